/// One line of the inventory: what `GET /api/products` lists and `GET /api/products/{id}` shows.
public struct Product: Codable, Sendable, Equatable {
    public var id: Int
    public var name: String
    public var category: String
    /// In the shop's currency; the CSV writes it with at most a few decimals, so a Double keeps it exact enough
    /// to answer with the same digits.
    public var price: Double
    public var stock: Int
    public var description: String

    public init(id: Int, name: String, category: String, price: Double, stock: Int, description: String) {
        self.id = id
        self.name = name
        self.category = category
        self.price = price
        self.stock = stock
        self.description = description
    }
}
