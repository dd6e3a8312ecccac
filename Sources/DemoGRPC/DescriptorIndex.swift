import Foundation
import SwiftProtobuf

/// The proto files the server was built from, indexed the way reflection asks for them: by file
/// name and by the fully-qualified symbols each file defines.
struct DescriptorIndex: Sendable {
    private let files: [String: Google_Protobuf_FileDescriptorProto]
    private let serialized: [String: Data]
    private let fileBySymbol: [String: String]
    let serviceNames: [String]

    /// From the FileDescriptorSet that tools/gen-protos embeds.
    static let embedded: DescriptorIndex = {
        guard let data = Data(base64Encoded: embeddedFileDescriptorSet),
            let index = try? DescriptorIndex(fileDescriptorSet: data)
        else {
            // Generated next to this code by the same script; unreadable means a broken checkout.
            preconditionFailure("Generated/FileDescriptorSet.swift is not a FileDescriptorSet")
        }
        return index
    }()

    init(fileDescriptorSet data: Data) throws {
        let set = try Google_Protobuf_FileDescriptorSet(serializedBytes: data)
        var files: [String: Google_Protobuf_FileDescriptorProto] = [:]
        var serialized: [String: Data] = [:]
        var fileBySymbol: [String: String] = [:]
        var serviceNames: [String] = []
        for file in set.file {
            files[file.name] = file
            serialized[file.name] = try file.serializedBytes()
            let prefix = file.package.isEmpty ? "" : file.package + "."
            for symbol in Self.symbols(messages: file.messageType, enums: file.enumType, prefix: prefix) {
                fileBySymbol[symbol] = file.name
            }
            for service in file.service {
                let name = prefix + service.name
                serviceNames.append(name)
                fileBySymbol[name] = file.name
                for method in service.method { fileBySymbol[name + "." + method.name] = file.name }
            }
        }
        self.files = files
        self.serialized = serialized
        self.fileBySymbol = fileBySymbol
        self.serviceNames = serviceNames.sorted()
    }

    func hasSymbol(_ symbol: String) -> Bool { fileBySymbol[symbol] != nil }

    /// The named file and everything it imports, transitively, the file itself first; nil if unknown.
    func fileWithDependencies(named name: String) -> [Data]? {
        guard files[name] != nil else { return nil }
        var ordered: [String] = []
        var pending = [name]
        while let next = pending.first {
            pending.removeFirst()
            guard !ordered.contains(next), let file = files[next] else { continue }
            ordered.append(next)
            pending.append(contentsOf: file.dependency)
        }
        return ordered.compactMap { serialized[$0] }
    }

    func fileWithDependencies(containing symbol: String) -> [Data]? {
        fileBySymbol[symbol].flatMap { fileWithDependencies(named: $0) }
    }

    private static func symbols(
        messages: [Google_Protobuf_DescriptorProto], enums: [Google_Protobuf_EnumDescriptorProto], prefix: String
    ) -> [String] {
        enums.map { prefix + $0.name }
            + messages.flatMap { message in
                [prefix + message.name]
                    + symbols(
                        messages: message.nestedType, enums: message.enumType, prefix: prefix + message.name + ".")
            }
    }
}
