import Foundation

/// Strict base64url (RFC 7515 §2): only the URL-safe alphabet, no padding. Returns nil on
/// anything else, so no input can make decoding fail in a louder way.
func base64URLDecode<S: StringProtocol>(_ text: S) -> Data? {
    var standard = [UInt8]()
    standard.reserveCapacity(text.utf8.count + 3)
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            standard.append(byte)
        case UInt8(ascii: "-"): standard.append(UInt8(ascii: "+"))
        case UInt8(ascii: "_"): standard.append(UInt8(ascii: "/"))
        default: return nil
        }
    }
    switch standard.count % 4 {
    case 0: break
    case 1: return nil
    default: standard.append(contentsOf: repeatElement(UInt8(ascii: "="), count: 4 - standard.count % 4))
    }
    return Data(base64Encoded: Data(standard))
}
