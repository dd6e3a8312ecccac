import Foundation
import SwiftCSV

extension Inventory {
    /// The columns every product file must have, in any order; others are ignored.
    static let requiredColumns = ["id", "name", "category", "price", "stock", "description"]

    /// Reads the product file at `path`; any fault names the file, the line and the field.
    public static func load(csvAt path: String) throws(InventoryError) -> Inventory {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason =
                FileManager.default.fileExists(atPath: path)
                ? "cannot be read as UTF-8 text" : "no such file"
            throw InventoryError(source: path, reason)
        }
        return try Inventory(csv: text, source: path)
    }

    /// Parses product CSV text; `source` names it in errors.
    public init(csv text: String, source: String) throws(InventoryError) {
        let rows: [CSVRow]
        let header: [String]
        do {
            let csv = try CSV<Enumerated>(string: text, delimiter: .comma, loadColumns: false)
            header = csv.header.map { $0.trimmingCharacters(in: .whitespaces) }
            // The raw rows, not the view's: the view pads short rows, which would hide a missing field.
            var raw: [[String]] = []
            try csv.enumerateAsArray(startAt: 1, rowLimit: nil) { raw.append($0) }
            rows = CSVRow.numbered(raw, headerLines: Self.lineCount(of: csv.header))
        } catch let error as CSVParseError {
            switch error {
            case .generic(let message), .quotation(let message):
                throw InventoryError(source: source, "is not valid CSV: \(message)")
            }
        } catch {
            throw InventoryError(source: source, "is not valid CSV: \(error)")
        }
        guard !(header.count == 1 && header[0].isEmpty) && !header.isEmpty else {
            throw InventoryError(source: source, line: 1, "is empty; expected a header line \(Self.headerLine)")
        }
        var columns: [String: Int] = [:]
        for (index, name) in header.enumerated() where columns[name] == nil {
            columns[name] = index
        }
        for name in Self.requiredColumns where columns[name] == nil {
            throw InventoryError(
                source: source, line: 1, field: name,
                "missing column in the header '\(header.joined(separator: ","))'; expected \(Self.headerLine)")
        }
        var products: [Product] = []
        var firstLineOfID: [Int: Int] = [:]
        for row in rows where !row.isBlank {
            let product = try row.product(columns: columns, headerWidth: header.count, source: source)
            if let first = firstLineOfID[product.id] {
                throw InventoryError(
                    source: source, line: row.line, field: "id", "duplicate id \(product.id) (first on line \(first))")
            }
            firstLineOfID[product.id] = row.line
            products.append(product)
        }
        try self.init(products: products)
    }

    static var headerLine: String { requiredColumns.joined(separator: ",") }

    /// How many text lines a parsed row took: quoted fields may hold line breaks.
    static func lineCount(of fields: [String]) -> Int {
        1 + fields.reduce(0) { $0 + $1.count(where: \.isNewline) }
    }
}

/// One data row of the product file with the line it starts on, for error messages.
struct CSVRow {
    let fields: [String]
    let line: Int

    static func numbered(_ rows: [[String]], headerLines: Int) -> [CSVRow] {
        var line = headerLines + 1
        return rows.map { fields in
            defer { line += Inventory.lineCount(of: fields) }
            return CSVRow(fields: fields, line: line)
        }
    }

    /// An empty line between products, which the parser reports as one empty field.
    var isBlank: Bool {
        fields.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    func product(columns: [String: Int], headerWidth: Int, source: String) throws(InventoryError) -> Product {
        guard fields.count == headerWidth else {
            throw InventoryError(
                source: source, line: line,
                "has \(fields.count) fields but the header has \(headerWidth) (a comma inside a field needs quotes)")
        }
        func value(_ name: String) -> String {
            fields[columns[name]!].trimmingCharacters(in: .whitespaces)
        }
        func failure(_ field: String, _ message: String) -> InventoryError {
            InventoryError(source: source, line: line, field: field, message)
        }
        guard let id = Int(value("id")), id > 0 else {
            throw failure("id", "'\(value("id"))' is not a positive integer")
        }
        let name = value("name")
        guard !name.isEmpty else { throw failure("name", "is empty") }
        let category = value("category")
        guard !category.isEmpty else { throw failure("category", "is empty") }
        guard let price = Self.price(value("price")) else {
            throw failure("price", "'\(value("price"))' is not a price (a non-negative decimal number such as 19.99)")
        }
        guard let stock = Int(value("stock")), stock >= 0 else {
            throw failure("stock", "'\(value("stock"))' is not a non-negative integer")
        }
        return Product(
            id: id, name: name, category: category, price: price, stock: stock, description: value("description"))
    }

    /// Plain decimal digits only: Double(_:) alone would also take "nan", "inf" and hexadecimal.
    static func price(_ text: String) -> Double? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) }),
            parts.allSatisfy({ $0.allSatisfy(\.isNumber) }), let value = Double(text), value.isFinite
        else { return nil }
        return value
    }
}
