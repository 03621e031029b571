import Foundation
@_spi(MapBufferTool) import MapBuffer

/// A progress bar on standard error, drawn only when standard error is a terminal.
///
/// Redrawn at most ten times a second, so updating it after every item costs a clock read.
/// When standard error is a file or a pipe it draws nothing, so scripts see no escape codes.
final class ProgressBar {
  private let label: String
  private let total: Int
  private let isEnabled: Bool
  private let clock = ContinuousClock()
  private var lastDrawn: ContinuousClock.Instant?
  private var hasDrawn = false

  /// A bar for `total` units of work, described by `label` (`packing`, `validating`, …).
  init(_ label: String, total: Int) {
    self.label = label
    self.total = total
    self.isEnabled = FileDescriptor.standardError.isTerminal && total > 0
  }

  /// Records that `completed` units are done, redrawing if the last drawing is old enough.
  func update(_ completed: Int) {
    guard isEnabled else { return }
    let now = clock.now
    if let lastDrawn, now - lastDrawn < .milliseconds(100), completed < total { return }
    lastDrawn = now
    draw(completed)
  }

  /// Erases the bar, leaving the terminal line clean for what comes next.
  func finish() {
    guard isEnabled, hasDrawn else { return }
    printRaw("\r\u{1B}[2K")
  }

  private func draw(_ completed: Int) {
    let width = 30
    let fraction = Double(min(completed, total)) / Double(total)
    let filled = Int(fraction * Double(width))
    let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
    let percent = Int(fraction * 100)
    printRaw("\r\(label) [\(bar)] \(percent)% \(completed)/\(total)")
    hasDrawn = true
  }

  private func printRaw(_ text: String) {
    writeToStandardError(text)
  }
}
