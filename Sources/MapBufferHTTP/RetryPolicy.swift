// Part of MapBufferHTTP: compiled only with the package's HTTP trait.
#if HTTP

/// How often, and how patiently, a failed request is tried again.
///
/// A request is retried after a 5xx or 429 answer, a time-out or a failed connection, never after
/// an answer that another attempt would not change (404, 403, 412, 416, a server that ignores
/// `Range`). The wait before attempt *n + 1* is `initialBackoff × multiplierⁿ⁻¹`, capped at
/// `maximumBackoff`, with a random part ("jitter") so that many workers do not retry in step.
public struct RetryPolicy: Sendable, Equatable {
  /// The most attempts of one request, the first included; at least 1.
  public var maximumAttempts: Int
  /// The wait before the second attempt.
  public var initialBackoff: Duration
  /// The longest wait between two attempts.
  public var maximumBackoff: Duration
  /// How much the wait grows after each failed attempt.
  public var multiplier: Double

  /// A policy of at most `maximumAttempts` attempts with exponential backoff.
  public init(
    maximumAttempts: Int = 4, initialBackoff: Duration = .milliseconds(100),
    maximumBackoff: Duration = .seconds(5), multiplier: Double = 2
  ) {
    self.maximumAttempts = max(1, maximumAttempts)
    self.initialBackoff = initialBackoff
    self.maximumBackoff = maximumBackoff
    self.multiplier = multiplier
  }

  /// One attempt, no retry.
  public static let none = RetryPolicy(maximumAttempts: 1)

  /// The wait after failed attempt number `attempt` (1-based): between half and all of the
  /// exponential backoff.
  func delay(afterAttempt attempt: Int) -> Duration {
    let initial = Double(initialBackoff.nanoseconds) / 1e9
    let maximum = Double(maximumBackoff.nanoseconds) / 1e9
    // In seconds as a Double, clamped before it becomes a Duration: a growth that overflows to
    // infinity (a large multiplier, many attempts) is simply the maximum.
    let grown = initial * Foundation.pow(max(1, multiplier), Double(max(0, attempt - 1)))
    let seconds = max(0, min(grown.isFinite ? grown : maximum, maximum))
    return .nanoseconds(Int64(seconds * Double.random(in: 0.5...1) * 1e9))
  }
}

import Foundation

#endif
