import Testing

@testable import XDS

@Suite struct ResourceTypeTests {
    @Test func typeURLsRoundTripAndOrderIsMakeBeforeBreak() {
        for type in ResourceType.allCases { #expect(ResourceType(typeURL: type.typeURL) == type) }
        #expect(ResourceType.allCases.sorted() == [.cluster, .endpoint, .listener, .route])
        #expect(ResourceType(typeURL: "type.googleapis.com/nope") == nil)
    }
}
