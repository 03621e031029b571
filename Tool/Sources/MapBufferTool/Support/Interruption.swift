import Dispatch
import Foundation
@_spi(MapBufferTool) import MapBuffer

/// What the tool does when it is interrupted: on `SIGINT`, `SIGTERM` or `SIGHUP` it removes every
/// temporary file and folder the run has made and not yet moved into place (the library's
/// atomic-write temporaries, unpack's staging folder, a URL's download, the folders it created,
/// all registered with ``TemporaryFiles``) and exits with the conventional status, 128 plus the
/// signal's number (130 for `SIGINT`, 143 for `SIGTERM`).
///
/// The signals are taken from the process and delivered to a dispatch source, so the cleanup
/// runs on an ordinary thread, not inside a signal handler; it waits for a rename into place
/// or a series of moves under way to finish, so that an output is either whole or not there.
enum Interruption {
  /// The signal sources, kept for the life of the process.
  nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []

  /// Installs the handlers; called once, before any command runs.
  static func install() {
    for number in [SIGINT, SIGTERM, SIGHUP] {
      _ = signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
      source.setEventHandler {
        TemporaryFiles.shared.removeAll()
        _exit(128 + number)
      }
      source.resume()
      sources.append(source)
    }
  }
}
