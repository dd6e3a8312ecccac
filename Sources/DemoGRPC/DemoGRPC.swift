// DemoGRPC: filled in by issue 5.
