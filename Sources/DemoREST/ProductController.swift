import Hummingbird

/// The inventory's read API, mounted at `/api`.
struct ProductController<Context: RequestContext>: Sendable {
    let inventory: Inventory

    var endpoints: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .get("categories", use: categories)
            .get("products", use: list)
            .get("products/{id}", use: show)
    }

    /// `{"categories":[{"name":"Books","product_count":8},...]}`, by name.
    @Sendable func categories(_ request: Request, context: Context) async throws -> JSONBody<CategoryList> {
        JSONBody(CategoryList(categories: inventory.categories()))
    }

    /// One page of the products that pass every filter given, in id order.
    @Sendable func list(_ request: Request, context: Context) async throws -> JSONBody<ProductPage> {
        JSONBody(inventory.search(try ProductQuery(QueryValues(request))))
    }

    /// The product; an unknown or non-numeric id is 404.
    @Sendable func show(_ request: Request, context: Context) async throws -> JSONBody<Product> {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int(text), let product = inventory.product(id: id) else {
            throw BackendError.notFound(field: "id", "no product with id '\(text)'")
        }
        return JSONBody(product)
    }
}

struct CategoryList: Codable, Sendable {
    var categories: [CategoryCount]
}
