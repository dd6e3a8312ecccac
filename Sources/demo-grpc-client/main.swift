// demo-grpc-client: filled in by issue 5.
