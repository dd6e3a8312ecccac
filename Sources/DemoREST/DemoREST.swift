// DemoREST: filled in by issue 5.
