/// The products this backend serves, fixed at start; reads need no lock because nothing changes them.
public struct Inventory: Sendable {
    /// Sorted by id, the order every listing answers in.
    public let products: [Product]
    private let byID: [Int: Product]

    /// Refuses two products with one id, since `GET /api/products/{id}` could show only one of them.
    public init(products: [Product]) throws(InventoryError) {
        var byID: [Int: Product] = [:]
        for product in products {
            guard byID.updateValue(product, forKey: product.id) == nil else {
                throw InventoryError(source: "products", field: "id", "duplicate id \(product.id)")
            }
        }
        self.products = products.sorted { $0.id < $1.id }
        self.byID = byID
    }

    public func product(id: Int) -> Product? {
        byID[id]
    }

    /// Every category with how many products it holds, by name.
    public func categories() -> [CategoryCount] {
        var counts: [String: Int] = [:]
        for product in products {
            counts[product.category, default: 0] += 1
        }
        return counts.map { CategoryCount(name: $0.key, productCount: $0.value) }.sorted { $0.name < $1.name }
    }

    /// The matches in id order, cut to the requested page; a page past the end is empty, not an error.
    public func search(_ query: ProductQuery) -> ProductPage {
        let matches = products.filter(query.matches)
        // A huge page number must give an empty page, not an arithmetic trap.
        let (offset, overflow) = (query.page - 1).multipliedReportingOverflow(by: query.perPage)
        let items = overflow || offset >= matches.count ? [] : Array(matches.dropFirst(offset).prefix(query.perPage))
        return ProductPage(items: items, page: query.page, perPage: query.perPage, total: matches.count)
    }
}

public struct CategoryCount: Codable, Sendable, Equatable {
    public var name: String
    public var productCount: Int

    enum CodingKeys: String, CodingKey {
        case name
        case productCount = "product_count"
    }
}
