// DemoRESTTests: filled in by issue 5.
