/// What a client asks of `GET /api/products`: filters, then one page of the matches.
public struct ProductQuery: Sendable, Equatable {
    public static let maxPerPage = 100
    public static let defaultPerPage = 20

    /// Matched without regard to case; an unknown category matches nothing, which is not an error.
    public var category: String?
    public var minPrice: Double?
    public var maxPrice: Double?
    /// A case-insensitive substring of the name or the description.
    public var text: String?
    /// From 1.
    public var page: Int
    /// 1...maxPerPage.
    public var perPage: Int

    public init(
        category: String? = nil, minPrice: Double? = nil, maxPrice: Double? = nil, text: String? = nil, page: Int = 1,
        perPage: Int = ProductQuery.defaultPerPage
    ) {
        self.category = category
        self.minPrice = minPrice
        self.maxPrice = maxPrice
        self.text = text
        self.page = page
        self.perPage = perPage
    }

    func matches(_ product: Product) -> Bool {
        if let category, product.category.lowercased() != category.lowercased() { return false }
        if let minPrice, product.price < minPrice { return false }
        if let maxPrice, product.price > maxPrice { return false }
        if let text {
            let needle = text.lowercased()
            return product.name.lowercased().contains(needle) || product.description.lowercased().contains(needle)
        }
        return true
    }
}

/// One page of matching products and how many matched in all.
public struct ProductPage: Codable, Sendable, Equatable {
    public var items: [Product]
    public var page: Int
    public var perPage: Int
    public var total: Int

    enum CodingKeys: String, CodingKey {
        case items, page, total
        case perPage = "per_page"
    }
}
