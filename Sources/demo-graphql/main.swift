// demo-graphql: filled in by issue 5.
