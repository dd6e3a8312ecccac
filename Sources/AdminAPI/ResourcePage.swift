/// One page of resources sorted by name; `next_cursor` is the last name on a full page.
struct ResourcePage<Resource: Encodable>: Encodable {
    /// The list's key in the answer: `services`, `routes`, `proxies`.
    let itemsKey: String
    let items: [Resource]
    let nextCursor: String?
    let version: UInt64

    /// `sorted` must already be in key order: paging is by key, after `cursor`.
    init(
        _ itemsKey: String, sorted: [Resource], key: (Resource) -> String, cursor: String?, limit: Int?,
        version: UInt64
    ) {
        self.itemsKey = itemsKey
        var remaining = sorted[...]
        if let cursor {
            let start = sorted.partitionPoint { key($0) > cursor }
            remaining = sorted[start...]
        }
        if let limit, remaining.count > limit {
            items = Array(remaining.prefix(limit))
            nextCursor = items.last.map(key)
        } else {
            items = Array(remaining)
            nextCursor = nil
        }
        self.version = version
    }

    private init(itemsKey: String, items: [Resource], nextCursor: String?, version: UInt64) {
        self.itemsKey = itemsKey
        self.items = items
        self.nextCursor = nextCursor
        self.version = version
    }

    /// The same page with each item transformed (a resource and what is known about it).
    func map<Item: Encodable>(_ transform: (Resource) throws -> Item) rethrows -> ResourcePage<Item> {
        ResourcePage<Item>(
            itemsKey: itemsKey, items: try items.map(transform), nextCursor: nextCursor, version: version)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: NamedKey.self)
        try container.encode(items, forKey: NamedKey(itemsKey))
        try container.encode(nextCursor, forKey: NamedKey("next_cursor"))
        try container.encode(version, forKey: NamedKey("version"))
    }
}

extension Array {
    /// The first index whose element satisfies `predicate`, for a predicate that is false
    /// then true along the array (binary search).
    func partitionPoint(_ predicate: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if predicate(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

/// A coding key for any string: dynamic answer keys, and seeing every key a body holds.
struct NamedKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }

    init(_ string: String) {
        stringValue = string
    }

    init?(stringValue: String) {
        self.init(stringValue)
    }

    init?(intValue: Int) {
        return nil
    }
}
