import Hummingbird

extension ProductQuery {
    /// Reads `category`, `min_price`, `max_price`, `q`, `page` and `per_page`; unknown parameters are ignored.
    init(_ query: QueryValues) throws(BackendError) {
        let minPrice = try query.price("min_price")
        let maxPrice = try query.price("max_price")
        if let minPrice, let maxPrice, minPrice > maxPrice {
            throw .badRequest(
                field: "min_price",
                "must not be above max_price (\(query.string("min_price")!) > \(query.string("max_price")!))")
        }
        self.init(
            category: query.string("category"), minPrice: minPrice, maxPrice: maxPrice, text: query.string("q"),
            page: try query.integer("page", in: 1...Int.max) ?? 1,
            perPage: try query.integer("per_page", in: 1...Self.maxPerPage) ?? Self.defaultPerPage)
    }
}
