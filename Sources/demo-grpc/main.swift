// demo-grpc: filled in by issue 5.
