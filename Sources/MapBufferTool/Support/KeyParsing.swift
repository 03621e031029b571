/// Parses a key given on the command line: a decimal `UInt64`.
///
/// Parsed in the command rather than by the argument parser so that a bad key is one line on
/// standard error, like every other bad input.
func parseKey(_ text: String) throws -> UInt64 {
  guard let key = UInt64(text) else {
    throw ToolFailure("'\(text)' is not a key: keys are decimal integers from 0 to \(UInt64.max)")
  }
  return key
}
