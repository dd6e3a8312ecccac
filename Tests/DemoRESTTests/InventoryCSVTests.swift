import DemoREST
import Foundation
import Testing

@Suite("loading the product CSV")
struct InventoryCSVTests {
    static let header = "id,name,category,price,stock,description"

    func loadError(_ text: String) -> InventoryError? {
        do {
            _ = try Inventory(csv: text, source: "bad.csv")
            return nil
        } catch {
            return error
        }
    }

    @Test("the shipped ops/data/products.csv loads: about 50 products in 6 categories, quoted commas intact")
    func shippedFile() throws {
        let inventory = try Inventory.load(csvAt: Fixture.shippedCSVPath)
        #expect(inventory.products.count == 50)
        #expect(inventory.products.map(\.id) == Array(1...50))
        #expect(
            inventory.categories().map(\.name) == ["Books", "Clothing", "Electronics", "Kitchen", "Outdoor", "Toys"])
        #expect(inventory.product(id: 19)?.name == "Chef's Knife, 8-inch")
        #expect(inventory.product(id: 44)?.name == "Strategy Board Game: \"Settlers of the Valley\"")
        #expect(inventory.product(id: 4)?.description == "USB 3.2, up to 1,050 MB/s read")
        #expect(inventory.products.allSatisfy { !$0.description.isEmpty && $0.price > 0 })
    }

    @Test("columns may come in any order, extra columns are ignored, blank lines are skipped")
    func flexibleLayout() throws {
        let inventory = try Inventory(
            csv: "price,id,colour,name,stock,category,description\n\n1.5,9,red,Cup,3,Kitchen,\"Mug, large\"\n\n",
            source: "ok.csv")
        #expect(
            inventory.products == [
                Product(id: 9, name: "Cup", category: "Kitchen", price: 1.5, stock: 3, description: "Mug, large")
            ])
    }

    @Test("a missing file names the file")
    func missingFile() {
        #expect(throws: InventoryError(source: "/nonexistent/products.csv", "no such file")) {
            try Inventory.load(csvAt: "/nonexistent/products.csv")
        }
    }

    @Test("a missing column names the column and line 1")
    func missingColumn() {
        let error = loadError("id,name,category,stock,description\n1,Cup,Kitchen,3,Mug\n")
        #expect(error?.line == 1)
        #expect(error?.field == "price")
        #expect(error?.description.hasPrefix("bad.csv, line 1, field 'price': missing column") == true)
    }

    @Test("an empty file is refused")
    func emptyFile() {
        #expect(loadError("")?.line == 1)
        #expect(loadError("\n")?.line == 1)
    }

    struct BadRow: Sendable, CustomTestStringConvertible {
        let row: String
        let field: String?
        var testDescription: String { row }
    }

    @Test(
        "a bad value names the line and the field",
        arguments: [
            BadRow(row: "2,Mug,Kitchen,abc,3,x", field: "price"),
            BadRow(row: "2,Mug,Kitchen,-1,3,x", field: "price"),
            BadRow(row: "2,Mug,Kitchen,nan,3,x", field: "price"),
            BadRow(row: "2,Mug,Kitchen,1e3,3,x", field: "price"),
            BadRow(row: "two,Mug,Kitchen,1.00,3,x", field: "id"),
            BadRow(row: "0,Mug,Kitchen,1.00,3,x", field: "id"),
            BadRow(row: "2,Mug,Kitchen,1.00,-3,x", field: "stock"),
            BadRow(row: "2,Mug,Kitchen,1.00,many,x", field: "stock"),
            BadRow(row: "2,,Kitchen,1.00,3,x", field: "name"),
            BadRow(row: "2,Mug,,1.00,3,x", field: "category"),
            BadRow(row: "2,Mug,Kitchen,1.00,3,big, red", field: nil),
            BadRow(row: "2,Mug,Kitchen,1.00,3", field: nil),
        ])
    func badValue(_ bad: BadRow) throws {
        let text = "\(Self.header)\n1,Cup,Kitchen,2.50,4,\"Plain, white\"\n\(bad.row)\n3,Plate,Kitchen,4.00,1,Round\n"
        let error = try #require(loadError(text))
        #expect(error.source == "bad.csv")
        #expect(error.line == 3)
        #expect(error.field == bad.field)
        #expect(error.description.hasPrefix("bad.csv, line 3"))
    }

    @Test("a duplicate id names both lines")
    func duplicateID() throws {
        let error = try #require(
            loadError("\(Self.header)\n1,Cup,Kitchen,2.50,4,x\n2,Mug,Kitchen,3,1,y\n1,Bowl,Kitchen,5,2,z\n"))
        #expect(error.line == 4)
        #expect(error.field == "id")
        #expect(error.message == "duplicate id 1 (first on line 2)")
    }

    @Test("line numbers count the line breaks inside quoted fields")
    func linesAfterMultilineField() throws {
        let text = "\(Self.header)\n1,Cup,Kitchen,2.50,4,\"one\ntwo\nthree\"\n2,Mug,Kitchen,cheap,1,y\n"
        let error = try #require(loadError(text))
        #expect(error.line == 5)
        #expect(error.field == "price")
    }

    @Test("text that is not CSV (a stray quote) is refused with the file's name")
    func malformedCSV() throws {
        let error = try #require(loadError("\(Self.header)\n1,Cu\"p,Kitchen,2.50,4,x\n"))
        #expect(error.source == "bad.csv")
        #expect(error.message.hasPrefix("is not valid CSV"))
    }
}
