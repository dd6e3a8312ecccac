import Foundation
import LMDB
import Synchronization

/// The newest link of the chain.
struct ChainHead: Sendable {
    var sequence: UInt64 = 0
    var hash: [UInt8] = Envelope.genesisHash
    var recordedAt: Int64 = 0
}
