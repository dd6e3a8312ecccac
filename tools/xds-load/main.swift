print("xds-load: not yet")
