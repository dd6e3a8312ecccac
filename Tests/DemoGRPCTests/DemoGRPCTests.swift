// DemoGRPCTests: filled in by issue 5.
