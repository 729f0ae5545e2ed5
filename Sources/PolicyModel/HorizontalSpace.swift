extension Unicode.Scalar {
    /// A tab or a Unicode space separator (general category Zs): what Foundation's
    /// `CharacterSet.whitespaces` holds, without Foundation.
    var isHorizontalSpace: Bool {
        isASCII ? self == " " || self == "\t" : properties.generalCategory == .spaceSeparator
    }
}

extension Substring {
    /// The text without horizontal spaces (`isHorizontalSpace`) at either end.
    func trimmingHorizontalSpaces() -> Substring {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isHorizontalSpace }),
              let last = scalars.lastIndex(where: { !$0.isHorizontalSpace }) else { return self[endIndex...] }
        return Substring(scalars[first...last])
    }
}
