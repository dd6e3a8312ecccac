import CRE2

/// A regex compiled as Envoy compiles a `safe_regex` (its google_re2 engine), through Debian's libre2.
enum RegexCheck {
    /// Envoy refuses a regex whose RE2 program size is above the runtime key
    /// `re2.max_program_size.error_level`, default 100 when the key is unset
    /// (`runtimeMaxProgramSizeErrorLevelOrDefault` in Envoy's source/common/common/regex.cc; the
    /// `GoogleRE2` docs of envoy.type.matcher.v3.RegexMatcher). Logbook's Envoys set no runtime
    /// keys, so 100. Checked against Envoy 1.40 (`envoy --mode validate`): a literal of size 100 is
    /// taken, of size 101 refused ("RE2 program size of 101 > max program size of 100").
    static let maxProgramSize = 100

    /// Longer patterns are refused before compiling, so a huge one costs nothing. Any regex within
    /// `maxProgramSize` is far shorter.
    static let maxPatternBytes = 8192

    enum Outcome: Equatable {
        case compiled(programSize: Int)
        /// RE2's description of the problem (e.g. "invalid perl operator") and the offending part.
        case invalid(description: String, argument: String)
    }

    /// Envoy 1.40's RE2 parses and sizes patterns as Latin-1 does here, byte by byte: it refuses
    /// `\x{100}` ("invalid escape sequence") and reports the Latin-1 program size (`.{60}` is 124,
    /// `\pL{20}` is 144; UTF-8 would give 484 and 23,864), so the check compiles as Latin-1.
    static func compile(_ pattern: String) -> Outcome {
        var programSize: Int64 = -1
        var description = [CChar](repeating: 0, count: 128)
        var argument = [CChar](repeating: 0, count: 256)
        let bytes = Array(pattern.utf8)
        let code = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                logbook_re2_check(
                    chars.baseAddress, chars.count, 1, &programSize,
                    &description, description.count, &argument, argument.count)
            }
        }
        guard code != 0 else { return .compiled(programSize: Int(programSize)) }
        func text(_ buffer: [CChar]) -> String {
            String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return .invalid(description: text(description), argument: text(argument))
    }
}
