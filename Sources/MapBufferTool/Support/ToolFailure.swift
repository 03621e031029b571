/// A failure the tool reports as one line on standard error, exiting with status 1.
///
/// Every error a command meets is turned into one of these (or is one of the library's errors,
/// whose descriptions already say what is wrong and where), so the user sees a sentence, never
/// a stack trace.
struct ToolFailure: Error, CustomStringConvertible {
  /// The sentence printed after `Error: `.
  var description: String

  init(_ description: String) {
    self.description = description
  }
}

/// Runs `body`, prefixing any error it throws with `context` (a path, usually).
func describingFailures<Result>(_ context: String, _ body: () throws -> Result) throws -> Result {
  do {
    return try body()
  } catch let failure as ToolFailure {
    throw failure
  } catch {
    throw ToolFailure("\(context): \(error)")
  }
}
