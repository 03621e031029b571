/// Parses a key given on the command line or as a file name: a `UInt64` in canonical decimal.
///
/// One grammar everywhere: `get`, `skeleton` and `pack` (file names) accept exactly what
/// `unpack` writes, the digits 0 to 9 without a sign or leading zeros (`7`, not `+7` or `007`),
/// so keys and names correspond one to one. Parsed in the command rather than by the argument
/// parser so that a bad key is one line on standard error, like every other bad input.
func parseKey(_ text: String) throws -> UInt64 {
  guard let key = canonicalKey(text) else {
    throw ToolFailure(
      "'\(printableName(text))' is not a key: keys are decimal integers from 0 to \(UInt64.max), "
        + "without a sign or leading zeros")
  }
  return key
}

/// The key `text` spells in canonical decimal, or `nil`.
func canonicalKey(_ text: String) -> UInt64? {
  guard !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
    let key = UInt64(text), String(key) == text
  else { return nil }
  return key
}

/// The one key among the inputs a command collected with `@Argument(parsing: .allUnrecognized)`.
///
/// Keys are collected that way, rather than as a plain `String` argument, so that a negative
/// key such as `-1` reaches ``parseKey(_:)`` and is reported in one line, instead of being taken
/// for an unknown option and answered with a usage message. The price is that an unknown
/// option lands here too, so it is recognized and reported as one; after a `--` terminator
/// every input is taken as a key.
func singleKey(from inputs: [String]) throws -> UInt64 {
  guard let key = try optionalKey(from: inputs) else {
    throw ToolFailure("missing key: give one decimal key after the file")
  }
  return key
}

/// Like ``singleKey(from:)``, but no key at all is allowed too, and is `nil`.
func optionalKey(from inputs: [String]) throws -> UInt64? {
  let terminator = inputs.firstIndex(of: "--") ?? inputs.endIndex
  if let option = inputs[..<terminator].first(where: isOptionLike) {
    throw ToolFailure("unknown option '\(printableName(option))'")
  }
  var keys = inputs
  if terminator < keys.endIndex { keys.remove(at: terminator) }
  switch keys.count {
  case 0:
    return nil
  case 1:
    return try parseKey(keys[0])
  default:
    let shown = keys.map { "'\(printableName($0))'" }.joined(separator: ", ")
    throw ToolFailure("expected one key, got \(keys.count): \(shown)")
  }
}

/// Whether `input` looks like an option (`--name`, `-x`) rather than a key, negative or not.
private func isOptionLike(_ input: String) -> Bool {
  guard input.hasPrefix("-"), input.count > 1 else { return false }
  let rest = input.dropFirst()
  return !(rest.first!.isNumber || rest.first == ".")
}
