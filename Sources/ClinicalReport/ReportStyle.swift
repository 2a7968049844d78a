/// The one style sheet, inline in every page (a report is one self-contained file).
/// Text is #1a1a1a or #404040 on white (contrast 17:1 and 10:1, WCAG AA needs 4.5:1); A4 print
/// rules keep table rows and charts whole across page breaks.
enum ReportStyle {
    static let css: StaticString = """
        :root { color: #1a1a1a; background: #ffffff; font: 11pt/1.4 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
        body { margin: 0 auto; max-width: 190mm; padding: 8mm; }
        h1 { font-size: 17pt; margin: 0 0 2mm; }
        h2 { font-size: 13pt; margin: 6mm 0 2mm; border-bottom: 1px solid #8a8a8a; padding-bottom: 1mm; }
        h3 { font-size: 11pt; margin: 3mm 0 1mm; }
        p, ul { margin: 1mm 0 2mm; }
        .muted, figcaption { color: #404040; }
        .id, code, .hash { font-family: "DejaVu Sans Mono", Menlo, monospace; font-size: 9pt; word-break: break-all; }
        table { border-collapse: collapse; width: 100%; margin: 1mm 0 3mm; font-size: 9.5pt; }
        th, td { border: 1px solid #8a8a8a; padding: 1mm 1.5mm; text-align: left; vertical-align: top; }
        th { background: #e8e8e8; }
        tr { break-inside: avoid; page-break-inside: avoid; }
        thead { display: table-header-group; }
        figure { margin: 2mm 0; break-inside: avoid; page-break-inside: avoid; }
        svg { max-width: 100%; height: auto; font-family: "DejaVu Sans", Arial, sans-serif; }
        .warning { border: 2px solid #b3261e; padding: 2mm; }
        .note { white-space: pre-wrap; overflow-wrap: anywhere; }
        article.visit { border-left: 3px solid #8a8a8a; padding-left: 3mm; margin: 3mm 0 4mm; break-inside: avoid-page; }
        article.visit h3 { margin-top: 0; }
        section.warning { border: 2px solid #b3261e; padding: 1mm 3mm 2mm; margin-top: 4mm; }
        section.warning h2 { color: #b3261e; border-bottom-color: #b3261e; }
        .adverse { border-left: 4px solid #b3261e; padding-left: 2mm; }
        .adverse strong, td.flagged { color: #b3261e; font-weight: bold; }
        ul.entry-marks { padding-left: 5mm; }
        .late-entry strong { color: #7a4b00; }
        .addendum { border-left: 3px solid #0b5394; padding-left: 2mm; list-style: none; margin-left: -5mm; }
        .awaiting-cosignature strong, .signed-off strong { color: #b3261e; }
        .signed-off strong { color: #1a6e4f; }
        dl.soap { display: grid; grid-template-columns: max-content 1fr; gap: 1mm 3mm; margin: 1mm 0 3mm; }
        dl.soap dt { font-weight: bold; }
        dl.soap dd { margin: 0; }
        .status-retracted td.what { text-decoration: line-through; }
        .status-corrected td.what { font-style: italic; }
        .outline { fill: #f2efe9; stroke: #404040; stroke-width: 1.2; }
        .tp-mark, .legend-mark { stroke-width: 2.2; }
        .tp-strike { stroke-width: 2; }
        .referral { stroke-width: 1.4; stroke-dasharray: 4 3; fill: none; }
        .referral-zone { fill: #ffffff; stroke-width: 1.6; }
        .figure-label, .axis-title { font-size: 12px; font-weight: bold; fill: #1a1a1a; }
        .side-label { font-size: 13px; font-weight: bold; fill: #404040; }
        .legend, .axis-label, .mcid-label { font-size: 11px; fill: #1a1a1a; }
        .grid { stroke: #d0d0d0; stroke-width: 1; }
        .axis, .tick { stroke: #404040; stroke-width: 1.2; }
        .mcid { stroke: #1a6e4f; stroke-width: 1.5; stroke-dasharray: 7 4; }
        .series-line { fill: none; stroke-width: 1.6; }
        .pain-point, .outcome-point { stroke-width: 2; }
        .mcid-band, .legend-band { fill: #1a6e4f; fill-opacity: 0.12; stroke: #1a6e4f; stroke-width: 1; stroke-dasharray: 7 4; }
        .direction-label, .band-label { font-size: 11px; font-weight: bold; fill: #1a1a1a; }
        article.outcome-course { margin: 3mm 0 5mm; }
        .visit-pair { stroke: #404040; stroke-width: 3; stroke-opacity: 0.35; }
        .charts { display: flex; flex-wrap: wrap; gap: 4mm; align-items: flex-start; }
        .charts > * { flex: 1 1 85mm; }
        nav { margin-bottom: 4mm; }
        nav a { margin-right: 4mm; color: #0b5394; }
        a { color: #0b5394; }
        footer { margin-top: 8mm; border-top: 2px solid #404040; padding-top: 2mm; font-size: 9pt; }
        @page { size: A4; margin: 12mm; }
        @media print { body { max-width: none; padding: 0; } nav, form { display: none; } h2 { break-after: avoid; page-break-after: avoid; } }
        """
}
