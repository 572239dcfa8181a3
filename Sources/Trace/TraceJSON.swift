/// Trace records as JSON: for tools that check a rendering against the trace (the HTML edition's
/// browser test) and for pages that render records themselves. Keys are stable and the output is
/// deterministic (no floating point, keys in a fixed order).
extension TraceRecord {
  /// `{"title":…,"direction":…,"layout":"hex"|"text","bytes":"81 05 …","fields":[…]}`; a field is
  /// `{"start":0,"end":1,"bits":128|null,"name":…,"value":…,"meaning":…,"section":…|null}`.
  public var json: String {
    var out = "{\"title\":\(Self.quote(title)),\"direction\":\(Self.quote(direction.rawValue)),"
    out += "\"layout\":\"\(layout == .hex ? "hex" : "text")\",\"bytes\":\"\(bytes.hexString)\",\"fields\":["
    out += fields.map { field in
      "{\"start\":\(field.range.lowerBound),\"end\":\(field.range.upperBound),"
        + "\"bits\":\(field.bits.map { String($0) } ?? "null"),\"name\":\(Self.quote(field.name)),"
        + "\"value\":\(Self.quote(field.value)),\"meaning\":\(Self.quote(field.meaning)),"
        + "\"section\":\(field.section.map(Self.quote) ?? "null")}"
    }.joined(separator: ",")
    return out + "]}"
  }

  /// A JSON string literal (RFC 8259 §7): quotes, backslashes and control characters escaped.
  static func quote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          let hex = String(scalar.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}

extension Trace {
  /// A JSON string literal (RFC 8259 §7).
  public static func jsonString(_ s: String) -> String { TraceRecord.quote(s) }
}

extension DocumentBlock {
  /// The trace records in a document, in the order a page shows them.
  public static func records(in blocks: [DocumentBlock]) -> [TraceRecord] {
    blocks.compactMap { block in
      switch block {
      case .trace(.bytes(let record), _), .diagram(.record(let record)): record
      default: nil
      }
    }
  }
}
