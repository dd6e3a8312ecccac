// demo-rest: filled in by issue 5.
