/// Small pieces of JSON text, written by hand so numbers keep their exact shortest form.
enum JSONText {
  /// `text` as a JSON string literal.
  static func string(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case _ where scalar.value < 0x20: out += "\\u" + hex4(scalar.value)
      default: out.unicodeScalars.append(scalar)
      }
    }
    return out + "\""
  }

  /// A float as the shortest JSON number that reads back as the same `Float`; `null` for NaN and infinities.
  static func number(_ value: Float) -> String {
    guard value.isFinite else { return "null" }
    return value.description
  }

  private static func hex4(_ value: UInt32) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }
}
