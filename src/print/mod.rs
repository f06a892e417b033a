//! PDF documents: data in, bytes out.
//!
//! Every document takes plain structs of already-formatted strings (amounts, dates, names) and
//! returns the bytes of a PDF; nothing here reads the database or the clock. This file holds the
//! shared helper the documents draw with:
//!
//! - the Chinese font shipped in `assets/` (WenQuanYi Micro Hei, face 0 of the collection), parsed
//!   once per process; it covers Chinese and ASCII alike, so every string comes from one font;
//! - page sizes ([`PageSize`]), with positions in millimetres from the top-left corner;
//! - [`Page`]: text placed at a position with a size, measured from the font's glyph advances so
//!   amounts right-align and titles centre, text fitted into a width (shrunk, then cut with
//!   "…"), wrapped paragraphs, lines, dashed lines, boxes and rotated stamps;
//! - [`Table`]: column widths, alignment per column, a header row between rules, cells that never
//!   overflow into the next column;
//! - [`Document`]: collects pages and saves with font subsetting, so only the glyphs used are
//!   embedded, once for the whole document.

pub mod board_notice;
pub mod goods_pass;
pub mod handover;
pub mod key_slip;
pub mod notice;
pub mod receipt;
pub mod recheck;
pub mod repair_order;
pub mod repair_summary;
pub mod stocktake;

use std::borrow::Cow;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

use printpdf::{
    Codepoint, Color, FontId, Greyscale, Line, LineDashPattern, LinePoint, Mm, Op, PaintMode,
    ParsedFont, PdfDocument, PdfFont, PdfFontHandle, PdfPage, PdfParseErrorSeverity,
    PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rect, Rgb, TextItem, TextMatrix,
    TextRenderingMode, WindingOrder,
};

/// WenQuanYi Micro Hei, a TrueType collection; face 0 is the proportional face used for print.
const CJK_FONT: &[u8] = include_bytes!("../../assets/wqy-microhei.ttc");

/// Points per millimetre.
const PT_PER_MM: f32 = 72.0 / 25.4;

/// The smallest fraction of its size a text is shrunk to before it is cut with "…".
const MIN_SHRINK: f32 = 0.75;

/// Characters that must not start a line in Chinese typesetting: they hang at the end of the
/// previous line instead.
const NO_LINE_START: &str = "，。、；：！？）】」』》〉”’…%,.;:!?)]}";

/// What can go wrong while making a PDF. `Display` is a Chinese sentence fit to show the person.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// The Chinese font built into the program could not be read.
    #[error("无法载入打印用的中文字体，不能生成 PDF。请重新安装本程序。")]
    Font,
    /// There was nothing to print (an empty list of receipts or notices).
    #[error("没有要打印的内容。")]
    Nothing,
    /// The person cancelled a long print job before it finished.
    #[error("已取消生成 PDF。")]
    Cancelled,
    /// The PDF writer produced no document.
    #[error("生成 PDF 失败：{0}")]
    Write(String),
}

/// The resource name of the print font inside every PDF (short: it is repeated before every
/// run of text).
const FONT_RESOURCE: &str = "WQY";

/// Marks a filled slot of the glyph cache; the low 16 bits hold the glyph id (0 = missing).
const GLYPH_KNOWN: u32 = 1 << 16;

/// The print font: parsed once, with glyph ids of the characters met so far and the advances
/// of ASCII characters cached (the font's own character map is searched linearly, which
/// dominated the time of a 5,000-page batch).
pub struct PrintFont {
    parsed: ParsedFont,
    units_per_em: f32,
    ascii_em: [f32; 128],
    fallback: char,
    /// Per Basic Multilingual Plane code point: 0 = not looked up yet, else
    /// `GLYPH_KNOWN | glyph id`.
    bmp_glyphs: Vec<AtomicU32>,
}

impl PrintFont {
    fn load() -> Option<Self> {
        let mut warnings = Vec::new();
        let parsed = ParsedFont::from_bytes(CJK_FONT, 0, &mut warnings)?;
        let units_per_em = f32::from(parsed.font_metrics.units_per_em);
        if units_per_em <= 0.0 {
            return None;
        }
        let mut font = Self {
            parsed,
            units_per_em,
            ascii_em: [0.5; 128],
            fallback: '?',
            bmp_glyphs: (0..0x1_0000).map(|_| AtomicU32::new(0)).collect(),
        };
        for c in 0u8..128 {
            font.ascii_em[usize::from(c)] = font.glyph_advance_em(char::from(c)).unwrap_or(0.5);
        }
        if font.has_glyph('□') {
            font.fallback = '□';
        }
        Some(font)
    }

    /// The glyph id of `c`, if the font has one.
    fn glyph(&self, c: char) -> Option<u16> {
        let code = u32::from(c);
        let Some(slot) = usize::try_from(code)
            .ok()
            .and_then(|i| self.bmp_glyphs.get(i))
        else {
            return self.parsed.lookup_glyph_index(code).filter(|&g| g != 0);
        };
        let cached = slot.load(Ordering::Relaxed);
        let gid = if cached & GLYPH_KNOWN != 0 {
            u16::try_from(cached & 0xFFFF).unwrap_or(0)
        } else {
            let gid = self.parsed.lookup_glyph_index(code).unwrap_or(0);
            slot.store(GLYPH_KNOWN | u32::from(gid), Ordering::Relaxed);
            gid
        };
        (gid != 0).then_some(gid)
    }

    fn glyph_advance_em(&self, c: char) -> Option<f32> {
        let gid = self.glyph(c)?;
        Some(f32::from(self.parsed.get_horizontal_advance(gid)) / self.units_per_em)
    }

    /// Whether the font has a glyph for `c` (anything else would print as an empty box).
    pub fn has_glyph(&self, c: char) -> bool {
        self.glyph(c).is_some()
    }

    /// `s` (already [`PrintFont::printable`]) as glyph ids, each carrying its character for
    /// the PDF's text extraction map.
    fn glyph_run(&self, s: &str) -> Vec<Codepoint> {
        s.chars()
            .map(|c| Codepoint {
                gid: self.glyph(c).unwrap_or(0),
                offset: 0.0,
                cid: Some(c.to_string()),
            })
            .collect()
    }

    /// The advance of `c` in em (fractions of the font size).
    fn advance_em(&self, c: char) -> f32 {
        match usize::try_from(u32::from(c)) {
            Ok(i) if i < 128 => self.ascii_em[i],
            _ => self.glyph_advance_em(c).unwrap_or(1.0),
        }
    }

    /// The width of `s` in millimetres at `size` points, from the font's glyph advances.
    pub fn width_mm(&self, s: &str, size: f32) -> f32 {
        let em: f32 = s.chars().map(|c| self.advance_em(c)).sum();
        em * size / PT_PER_MM
    }

    /// `s` with control characters turned into spaces and characters the font lacks replaced by
    /// a visible box, so nothing silently prints as nothing.
    pub fn printable<'a>(&self, s: &'a str) -> Cow<'a, str> {
        let fine = |c: char| !c.is_control() && (c.is_ascii() || self.has_glyph(c));
        if s.chars().all(fine) {
            return Cow::Borrowed(s);
        }
        Cow::Owned(
            s.chars()
                .map(|c| {
                    if c.is_control() {
                        ' '
                    } else if fine(c) {
                        c
                    } else {
                        self.fallback
                    }
                })
                .collect(),
        )
    }

    /// The longest start of `s` that, followed by "…", fits in `width` mm at `size` points.
    pub fn cut_to_width(&self, s: &str, width: f32, size: f32) -> String {
        if self.width_mm(s, size) <= width {
            return s.to_string();
        }
        let mut room = width - self.width_mm("…", size);
        let mut out = String::new();
        for c in s.chars() {
            let w = self.advance_em(c) * size / PT_PER_MM;
            if w > room {
                break;
            }
            room -= w;
            out.push(c);
        }
        out.push('…');
        out
    }

    /// Breaks `s` into lines no wider than `width` mm at `size` points. Chinese breaks between
    /// any two characters, runs of ASCII letters and digits stay whole where they fit, closing
    /// punctuation hangs at the end of a line rather than starting one, and `\n` starts a new
    /// line.
    pub fn wrap(&self, s: &str, width: f32, size: f32) -> Vec<String> {
        let mut lines = Vec::new();
        for para in s.split('\n') {
            let para = self.printable(para);
            let first = lines.len();
            let mut line = String::new();
            let mut line_w = 0.0;
            for token in tokens(&para) {
                let tw = self.width_mm(token, size);
                let spaces = token.bytes().all(|b| b == b' ');
                if spaces && line.is_empty() && lines.len() > first {
                    // No spaces at the start of a wrapped line.
                } else if line_w + tw <= width {
                    line.push_str(token);
                    line_w += tw;
                } else if spaces {
                    push_line(&mut lines, &mut line, &mut line_w);
                } else if !line.is_empty() && token.chars().all(|c| NO_LINE_START.contains(c)) {
                    line.push_str(token);
                    line_w += tw;
                } else if tw <= width {
                    if !line.is_empty() {
                        push_line(&mut lines, &mut line, &mut line_w);
                    }
                    line.push_str(token);
                    line_w = tw;
                } else {
                    for c in token.chars() {
                        let cw = self.advance_em(c) * size / PT_PER_MM;
                        if line_w + cw > width && !line.is_empty() {
                            push_line(&mut lines, &mut line, &mut line_w);
                        }
                        line.push(c);
                        line_w += cw;
                    }
                }
            }
            push_line(&mut lines, &mut line, &mut line_w);
        }
        lines
    }
}

/// Ends a wrapped line: moves `line` (without trailing spaces) to `lines`.
fn push_line(lines: &mut Vec<String>, line: &mut String, line_w: &mut f32) {
    lines.push(line.trim_end_matches(' ').to_string());
    line.clear();
    *line_w = 0.0;
}

/// Splits text into wrap tokens: a run of non-space ASCII, a run of spaces, or one other
/// character.
fn tokens(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    let mut kind = 0u8;
    for (i, c) in s.char_indices() {
        let k = if c == ' ' {
            1
        } else if c.is_ascii() {
            2
        } else {
            3
        };
        if let Some(st) = start {
            if k != kind || k == 3 {
                out.push(&s[st..i]);
                start = Some(i);
            }
        } else {
            start = Some(i);
        }
        kind = k;
    }
    if let Some(st) = start {
        out.push(&s[st..]);
    }
    out
}

static FONT: OnceLock<Option<PrintFont>> = OnceLock::new();

/// The print font, parsed on first use and shared by every document afterwards.
///
/// # Errors
/// [`PrintError::Font`] if the embedded font cannot be parsed.
pub fn font() -> Result<&'static PrintFont, PrintError> {
    FONT.get_or_init(PrintFont::load)
        .as_ref()
        .ok_or(PrintError::Font)
}

/// A paper size in millimetres, width first.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSize {
    /// Width in mm.
    pub width_mm: f32,
    /// Height in mm.
    pub height_mm: f32,
}

impl PageSize {
    /// A4 portrait, 210 × 297 mm: notices, the handover sheet, two receipts per sheet.
    pub const A4: Self = Self {
        width_mm: 210.0,
        height_mm: 297.0,
    };
    /// A4 landscape, 297 × 210 mm: wide lists (the 待复核 list for engineering).
    pub const A4_LANDSCAPE: Self = Self {
        width_mm: 297.0,
        height_mm: 210.0,
    };
    /// A5 portrait, 148 × 210 mm.
    pub const A5: Self = Self {
        width_mm: 148.0,
        height_mm: 210.0,
    };
    /// A5 landscape, 210 × 148 mm: one receipt, the same shape as one half of an A4 sheet.
    pub const A5_LANDSCAPE: Self = Self {
        width_mm: 210.0,
        height_mm: 148.0,
    };
    /// The height of one half of an A4 sheet cut across the middle (two A5 landscape halves).
    pub const A4_HALF_HEIGHT_MM: f32 = 297.0 / 2.0;
}

/// Horizontal alignment of a text against its anchor or within its box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// The anchor is the left edge.
    Left,
    /// The anchor is the centre.
    Center,
    /// The anchor is the right edge.
    Right,
}

/// The colour things are drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ink {
    /// Black: almost everything.
    Black,
    /// Red: stamps and marks (作废, 补打).
    Red,
    /// Grey: secondary text and light rules.
    Grey,
}

impl Ink {
    fn color(self) -> Color {
        match self {
            Ink::Black => Color::Greyscale(Greyscale::new(0.0, None)),
            Ink::Grey => Color::Greyscale(Greyscale::new(0.45, None)),
            Ink::Red => Color::Rgb(Rgb::new(0.82, 0.1, 0.1, None)),
        }
    }
}

/// One page being drawn. Positions are millimetres from the top-left corner of the current
/// area (the whole page unless [`Page::set_origin`] moved it, e.g. to the lower half of an A4
/// sheet); text positions are baselines. Sizes are in points.
pub struct Page {
    size: PageSize,
    ops: Vec<Op>,
    font: &'static PrintFont,
    font_id: FontId,
    origin: (f32, f32),
    font_size: Option<f32>,
    line_width: Option<f32>,
    ink: Ink,
}

impl Page {
    /// The paper size of this page.
    pub fn size(&self) -> PageSize {
        self.size
    }

    /// The font the page is drawn with (for measuring).
    pub fn font(&self) -> &'static PrintFont {
        self.font
    }

    /// Moves the drawing origin to (`x`, `y`) mm from the page's top-left corner.
    pub fn set_origin(&mut self, x: f32, y: f32) {
        self.origin = (x, y);
    }

    /// Sets the colour of the text and lines drawn after this.
    pub fn set_ink(&mut self, ink: Ink) {
        if ink != self.ink {
            self.ink = ink;
            self.ops.push(Op::SetFillColor { col: ink.color() });
            self.ops.push(Op::SetOutlineColor { col: ink.color() });
        }
    }

    /// Page coordinates in points from the bottom-left corner, rounded to 0.1 pt (0.035 mm:
    /// finer than any printer, and it keeps the content streams short).
    fn point(&self, x: f32, y: f32) -> Point {
        let round = |v: f32| (v * 10.0).round() / 10.0;
        Point {
            x: Pt(round((self.origin.0 + x) * PT_PER_MM)),
            y: Pt(round((self.size.height_mm - self.origin.1 - y) * PT_PER_MM)),
        }
    }

    /// The width of `s` in mm at `size` points.
    pub fn width(&self, s: &str, size: f32) -> f32 {
        self.font.width_mm(&self.font.printable(s), size)
    }

    /// Places `s` with its baseline at `y`; `x` is its left edge, centre or right edge as
    /// `align` says.
    pub fn text(&mut self, x: f32, y: f32, size: f32, s: &str, align: Align) {
        self.text_styled(x, y, size, s, align, false);
    }

    /// Like [`Page::text`], in a heavier (stroked) weight for titles and totals.
    pub fn text_bold(&mut self, x: f32, y: f32, size: f32, s: &str, align: Align) {
        self.text_styled(x, y, size, s, align, true);
    }

    fn text_styled(&mut self, x: f32, y: f32, size: f32, s: &str, align: Align, bold: bool) {
        let s = self.font.printable(s);
        if s.trim().is_empty() {
            return;
        }
        let w = self.font.width_mm(&s, size);
        let left = match align {
            Align::Left => x,
            Align::Center => x - w / 2.0,
            Align::Right => x - w,
        };
        let p = self.point(left, y);
        self.show(p, 0.0, size, s.into_owned(), bold);
    }

    /// Writes one text object at page point `p`, rotated `degrees` counter-clockwise.
    fn show(&mut self, p: Point, degrees: f32, size: f32, s: String, bold: bool) {
        if bold {
            self.ops.push(Op::SaveGraphicsState);
            self.ops.push(Op::SetTextRenderingMode {
                mode: TextRenderingMode::FillStroke,
            });
            self.ops.push(Op::SetOutlineThickness {
                pt: Pt(size * 0.035),
            });
        }
        self.ops.push(Op::StartTextSection);
        if bold || self.font_size != Some(size) {
            self.ops.push(Op::SetFont {
                font: PdfFontHandle::External(self.font_id.clone()),
                size: Pt(size),
            });
            if !bold {
                self.font_size = Some(size);
            }
        }
        if degrees == 0.0 {
            // A fresh text object starts at the origin, so `Td` places absolutely.
            self.ops.push(Op::SetTextCursor { pos: p });
        } else {
            self.ops.push(Op::SetTextMatrix {
                matrix: TextMatrix::TranslateRotate(p.x, p.y, degrees),
            });
        }
        self.ops.push(Op::ShowText {
            items: vec![TextItem::GlyphIds(self.font.glyph_run(&s))],
        });
        self.ops.push(Op::EndTextSection);
        if bold {
            self.ops.push(Op::RestoreGraphicsState);
        }
    }

    /// Places `s` inside the box from `x` to `x + w` (aligned within it): a text too wide is
    /// first shrunk (down to three quarters of `size`), then cut with "…", so it never runs
    /// past the box.
    pub fn text_in(&mut self, x: f32, y: f32, w: f32, size: f32, s: &str, align: Align) {
        self.text_in_styled(x, y, w, size, s, align, false);
    }

    /// Like [`Page::text_in`], in the heavier weight.
    pub fn text_in_bold(&mut self, x: f32, y: f32, w: f32, size: f32, s: &str, align: Align) {
        self.text_in_styled(x, y, w, size, s, align, true);
    }

    #[allow(clippy::too_many_arguments)]
    fn text_in_styled(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        size: f32,
        s: &str,
        align: Align,
        bold: bool,
    ) {
        if w <= 0.0 {
            return;
        }
        let s = self.font.printable(s);
        let full = self.font.width_mm(&s, size);
        let (size, s) = if full <= w {
            (size, s.into_owned())
        } else if full * MIN_SHRINK <= w {
            (size * w / full * 0.999, s.into_owned())
        } else {
            let small = size * MIN_SHRINK;
            (small, self.font.cut_to_width(&s, w, small))
        };
        let anchor = match align {
            Align::Left => x,
            Align::Center => x + w / 2.0,
            Align::Right => x + w,
        };
        self.text_styled(anchor, y, size, &s, align, bold);
    }

    /// Writes `s` wrapped to `w` mm from baseline `y` down, `leading` mm apart; returns the
    /// baseline after the last line.
    pub fn paragraph(&mut self, x: f32, y: f32, w: f32, size: f32, leading: f32, s: &str) -> f32 {
        let mut y = y;
        for line in self.font.wrap(s, w, size) {
            self.text(x, y, size, &line, Align::Left);
            y += leading;
        }
        y
    }

    /// Writes `s` centred on (`cx`, `cy`), rotated `degrees` counter-clockwise: for stamps.
    pub fn text_rotated(&mut self, cx: f32, cy: f32, size: f32, s: &str, degrees: f32) {
        let s = self.font.printable(s).into_owned();
        let w = self.font.width_mm(&s, size);
        let em = size / PT_PER_MM;
        // From the centre to the baseline start, in page millimetres with y up.
        let (dx, dy) = (-w / 2.0, -0.36 * em);
        let (sin, cos) = degrees.to_radians().sin_cos();
        let c = self.point(cx, cy);
        let p = Point {
            x: Pt(c.x.0 + (dx * cos - dy * sin) * PT_PER_MM),
            y: Pt(c.y.0 + (dx * sin + dy * cos) * PT_PER_MM),
        };
        self.show(p, degrees, size, s, true);
    }

    fn set_line_width(&mut self, width_pt: f32) {
        if self.line_width != Some(width_pt) {
            self.line_width = Some(width_pt);
            self.ops.push(Op::SetOutlineThickness { pt: Pt(width_pt) });
        }
    }

    /// A straight line from (`x1`, `y1`) to (`x2`, `y2`), `width_pt` points thick.
    pub fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, width_pt: f32) {
        self.set_line_width(width_pt);
        let points = vec![
            LinePoint {
                p: self.point(x1, y1),
                bezier: false,
            },
            LinePoint {
                p: self.point(x2, y2),
                bezier: false,
            },
        ];
        self.ops.push(Op::DrawLine {
            line: Line {
                points,
                is_closed: false,
            },
        });
    }

    /// A horizontal line at `y` from `x1` to `x2`.
    pub fn hline(&mut self, x1: f32, x2: f32, y: f32, width_pt: f32) {
        self.line(x1, y, x2, y, width_pt);
    }

    /// A vertical line at `x` from `y1` to `y2`.
    pub fn vline(&mut self, x: f32, y1: f32, y2: f32, width_pt: f32) {
        self.line(x, y1, x, y2, width_pt);
    }

    /// A dashed horizontal line (a cut line): dashes of `dash_mm` with equal gaps.
    pub fn dashed_hline(&mut self, x1: f32, x2: f32, y: f32, width_pt: f32, dash_mm: f32) {
        let d = dash_mm * PT_PER_MM;
        self.ops.push(Op::SetLineDashPattern {
            dash: LineDashPattern::new(0.0, &[d, d]),
        });
        self.hline(x1, x2, y, width_pt);
        self.ops.push(Op::SetLineDashPattern {
            dash: LineDashPattern::solid(),
        });
    }

    /// The outline of a rectangle whose top-left corner is (`x`, `y`).
    pub fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, width_pt: f32) {
        self.set_line_width(width_pt);
        let ll = self.point(x, y + h);
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: ll.x,
                y: ll.y,
                width: Pt(w * PT_PER_MM),
                height: Pt(h * PT_PER_MM),
                mode: Some(PaintMode::Stroke),
                winding_order: None,
            },
        });
    }

    /// A rectangle filled with grey (`0.0` black … `1.0` white), e.g. behind a table header.
    pub fn fill_rect(&mut self, x: f32, y: f32, w: f32, h: f32, grey: f32) {
        let ll = self.point(x, y + h);
        self.ops.push(Op::SaveGraphicsState);
        self.ops.push(Op::SetFillColor {
            col: Color::Greyscale(Greyscale::new(grey.clamp(0.0, 1.0), None)),
        });
        self.ops.push(Op::DrawRectangle {
            rectangle: Rect {
                x: ll.x,
                y: ll.y,
                width: Pt(w * PT_PER_MM),
                height: Pt(h * PT_PER_MM),
                mode: Some(PaintMode::Fill),
                winding_order: None,
            },
        });
        self.ops.push(Op::RestoreGraphicsState);
    }

    /// The outline of a `w` × `h` rectangle centred on (`cx`, `cy`), rotated `degrees`
    /// counter-clockwise: the frame of a stamp.
    pub fn rotated_rect(&mut self, cx: f32, cy: f32, w: f32, h: f32, degrees: f32, width_pt: f32) {
        self.set_line_width(width_pt);
        let (sin, cos) = degrees.to_radians().sin_cos();
        let c = self.point(cx, cy);
        let corners = [(-w, -h), (w, -h), (w, h), (-w, h)];
        let points = corners
            .iter()
            .map(|&(dx, dy)| {
                let (dx, dy) = (dx / 2.0, dy / 2.0);
                LinePoint {
                    p: Point {
                        x: Pt(c.x.0 + (dx * cos - dy * sin) * PT_PER_MM),
                        y: Pt(c.y.0 + (dx * sin + dy * cos) * PT_PER_MM),
                    },
                    bezier: false,
                }
            })
            .collect();
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![PolygonRing { points }],
                mode: PaintMode::Stroke,
                winding_order: WindingOrder::NonZero,
            },
        });
    }

    /// A red stamp: `s` in large type inside a double frame, centred on (`cx`, `cy`) and
    /// turned `degrees` counter-clockwise (作废).
    pub fn stamp(&mut self, cx: f32, cy: f32, size: f32, s: &str, degrees: f32) {
        let before = self.ink;
        self.set_ink(Ink::Red);
        let w = self.width(s, size) + size / PT_PER_MM * 0.9;
        let h = size / PT_PER_MM * 1.55;
        self.rotated_rect(cx, cy, w, h, degrees, 2.2);
        self.rotated_rect(cx, cy, w + 2.4, h + 2.4, degrees, 0.8);
        self.text_rotated(cx, cy, size, s, degrees);
        self.set_ink(before);
    }

    /// A small boxed mark such as 补打 or 续, with its box's top-left corner at (`x`, `y`);
    /// returns the box's width.
    pub fn boxed_mark(&mut self, x: f32, y: f32, size: f32, s: &str) -> f32 {
        let before = self.ink;
        self.set_ink(Ink::Red);
        let em = size / PT_PER_MM;
        let w = self.width(s, size) + em * 0.8;
        let h = em * 1.45;
        self.rect(x, y, w, h, 1.2);
        self.text_bold(x + w / 2.0, y + h / 2.0 + 0.36 * em, size, s, Align::Center);
        self.set_ink(before);
        w
    }
}

/// The baseline that centres text of `size` points vertically in a row from `top` to
/// `top + height` mm.
pub fn baseline_in(top: f32, height: f32, size: f32) -> f32 {
    top + height / 2.0 + 0.36 * size / PT_PER_MM
}

/// One column of a [`Table`].
#[derive(Debug, Clone)]
pub struct Column {
    /// The header text.
    pub title: String,
    /// The column's width in mm, padding included.
    pub width_mm: f32,
    /// How the header and the cells align in the column.
    pub align: Align,
}

impl Column {
    /// A column titled `title`, `width_mm` wide, aligned as `align`.
    pub fn new(title: &str, width_mm: f32, align: Align) -> Self {
        Self {
            title: title.to_string(),
            width_mm,
            align,
        }
    }
}

/// A simple table: a header row between rules, then rows of cells. A cell too wide for its
/// column is shrunk, then cut with "…": it never runs into the next column. The caller decides
/// where rows go (and when to start a new page); the table draws one row at a time.
#[derive(Debug, Clone)]
pub struct Table {
    /// The left edge in mm.
    pub x_mm: f32,
    /// The columns, left to right.
    pub columns: Vec<Column>,
    /// The height of a body row in mm.
    pub row_height_mm: f32,
    /// The height of the header row in mm.
    pub header_height_mm: f32,
    /// The size of cell text in points.
    pub font_size: f32,
    /// The space kept between a cell's text and its column's edges, in mm.
    pub padding_mm: f32,
    /// Draw vertical rules between columns (a ruled form) rather than an open table.
    pub grid: bool,
}

impl Table {
    /// A table at `x_mm` with these columns, 6.5 mm rows, 9.5 pt text and no vertical rules.
    pub fn new(x_mm: f32, columns: Vec<Column>) -> Self {
        Self {
            x_mm,
            columns,
            row_height_mm: 6.5,
            header_height_mm: 7.0,
            font_size: 9.5,
            padding_mm: 1.5,
            grid: false,
        }
    }

    /// The total width in mm.
    pub fn width(&self) -> f32 {
        self.columns.iter().map(|c| c.width_mm).sum()
    }

    /// The left edge of column `i` (the right edge of the table when `i` is the column count).
    pub fn column_x(&self, i: usize) -> f32 {
        self.x_mm + self.columns.iter().take(i).map(|c| c.width_mm).sum::<f32>()
    }

    /// A horizontal rule across the table at `y`.
    pub fn rule(&self, page: &mut Page, y: f32, width_pt: f32) {
        page.hline(self.x_mm, self.x_mm + self.width(), y, width_pt);
    }

    /// Vertical rules between the columns from `top` to `bottom` (and at both edges).
    pub fn verticals(&self, page: &mut Page, top: f32, bottom: f32, width_pt: f32) {
        for i in 0..=self.columns.len() {
            page.vline(self.column_x(i), top, bottom, width_pt);
        }
    }

    /// Draws the header row with its top edge at `top` — shaded, between a heavy rule above
    /// and a light one below — and returns its bottom edge.
    pub fn header(&self, page: &mut Page, top: f32) -> f32 {
        let bottom = top + self.header_height_mm;
        page.fill_rect(self.x_mm, top, self.width(), self.header_height_mm, 0.9);
        let titles: Vec<&str> = self.columns.iter().map(|c| c.title.as_str()).collect();
        self.cells(page, top, self.header_height_mm, &titles, true);
        self.rule(page, top, 1.0);
        self.rule(page, bottom, 0.5);
        if self.grid {
            self.verticals(page, top, bottom, 0.4);
        }
        bottom
    }

    /// Draws one row of cells with its top edge at `top` and returns its bottom edge. Missing
    /// cells stay empty; extra cells are ignored.
    pub fn row(&self, page: &mut Page, top: f32, cells: &[&str]) -> f32 {
        self.cells(page, top, self.row_height_mm, cells, false);
        top + self.row_height_mm
    }

    fn cells(&self, page: &mut Page, top: f32, height: f32, cells: &[&str], bold: bool) {
        let y = baseline_in(top, height, self.font_size);
        let mut x = self.x_mm;
        for (col, cell) in self.columns.iter().zip(cells) {
            let inner = col.width_mm - 2.0 * self.padding_mm;
            if bold {
                page.text_in_bold(
                    x + self.padding_mm,
                    y,
                    inner,
                    self.font_size,
                    cell,
                    col.align,
                );
            } else {
                page.text_in(
                    x + self.padding_mm,
                    y,
                    inner,
                    self.font_size,
                    cell,
                    col.align,
                );
            }
            x += col.width_mm;
        }
    }
}

/// A PDF being put together: one embedded font shared by every page, saved with subsetting.
pub struct Document {
    pdf: PdfDocument,
    font: &'static PrintFont,
    font_id: FontId,
    pages: Vec<PdfPage>,
}

impl Document {
    /// A new, empty document titled `title` (shown by PDF viewers).
    ///
    /// # Errors
    /// [`PrintError::Font`] if the print font cannot be loaded.
    pub fn new(title: &str) -> Result<Self, PrintError> {
        let font = font()?;
        let mut pdf = PdfDocument::new(title);
        // Dated when the file is made (printpdf leaves 1970), and named as the desk's.
        let made = printpdf::DateTime::now();
        let info = &mut pdf.metadata.info;
        info.creation_date = made;
        info.modification_date = made;
        info.metadata_date = made;
        info.creator = "物业前台 wuye-desk".to_string();
        let font_id = FontId(FONT_RESOURCE.to_string());
        pdf.resources
            .fonts
            .map
            .insert(font_id.clone(), PdfFont::new(font.parsed.clone()));
        Ok(Self {
            pdf,
            font,
            font_id,
            pages: Vec::new(),
        })
    }

    /// A blank page of `size`, to draw on and then [`Document::add`].
    pub fn new_page(&self, size: PageSize) -> Page {
        Page {
            size,
            ops: Vec::with_capacity(256),
            font: self.font,
            font_id: self.font_id.clone(),
            origin: (0.0, 0.0),
            font_size: None,
            line_width: None,
            ink: Ink::Black,
        }
    }

    /// Appends a finished page.
    pub fn add(&mut self, page: Page) {
        self.pages.push(PdfPage::new(
            Mm(page.size.width_mm),
            Mm(page.size.height_mm),
            page.ops,
        ));
    }

    /// Adds pages, each numbered 「第 i 页 / 共 N 页」 in grey, centred on the page's width
    /// `y` mm from its top.
    pub fn add_numbered(&mut self, pages: Vec<Page>, y: f32) {
        let count = pages.len();
        for (i, mut page) in pages.into_iter().enumerate() {
            page.set_ink(Ink::Grey);
            let x = page.size().width_mm / 2.0;
            page.text(
                x,
                y,
                8.5,
                &format!("第 {} 页 / 共 {} 页", i + 1, count),
                Align::Center,
            );
            self.add(page);
        }
    }

    /// How many pages have been added.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// Saves the document, embedding only the glyphs used, and returns the PDF's bytes.
    ///
    /// # Errors
    /// [`PrintError::Nothing`] for a document without pages, [`PrintError::Write`] if the
    /// writer produced no PDF.
    pub fn finish(mut self) -> Result<Vec<u8>, PrintError> {
        if self.pages.is_empty() {
            return Err(PrintError::Nothing);
        }
        let options = PdfSaveOptions {
            subset_fonts: true,
            image_optimization: None,
            ..PdfSaveOptions::default()
        };
        let mut warnings = Vec::new();
        let mut lopdf = self
            .pdf
            .with_pages(std::mem::take(&mut self.pages))
            .to_lopdf_document(&options, &mut warnings);
        for w in &warnings {
            if w.severity == PdfParseErrorSeverity::Error {
                tracing::warn!(page = w.page, "PDF: {}", w.msg);
            }
        }
        // Compressed content streams, and the page dictionaries packed into compressed object
        // streams with a cross-reference stream (PDF 1.5): a page's dictionaries otherwise
        // cost as much as a third of its size in a batch of notices.
        lopdf.compress();
        let mut bytes = Vec::new();
        lopdf
            .save_modern(&mut bytes)
            .map_err(|e| PrintError::Write(e.to_string()))?;
        if bytes.starts_with(b"%PDF") {
            Ok(bytes)
        } else {
            Err(PrintError::Write("输出为空".to_string()))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
pub(crate) mod testing {
    //! Reading generated PDFs back: text with `pdftotext -layout`, pictures with `pdftoppm`.

    use std::path::PathBuf;
    use std::process::Command;

    /// The text of `pdf` as `pdftotext -layout` reads it (pages separated by form feeds).
    pub(crate) fn pdf_text(pdf: &[u8]) -> String {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("doc.pdf");
        std::fs::write(&path, pdf).expect("write pdf");
        let out = Command::new("pdftotext")
            .arg("-layout")
            .arg(&path)
            .arg("-")
            .output()
            .expect("pdftotext (poppler-utils) must be installed");
        assert!(
            out.status.success(),
            "pdftotext failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8 text")
    }

    /// The number of pages `pdftotext` sees.
    pub(crate) fn page_count(text: &str) -> usize {
        text.split('\u{c}').filter(|p| !p.trim().is_empty()).count()
    }

    /// With `WUYE_PRINT_PNG_DIR` set, writes `pdf` there as `<name>.pdf` and renders it to
    /// `<name>-<page>.png` at 80 dpi, for a person to look at.
    pub(crate) fn maybe_render(pdf: &[u8], name: &str) {
        let Some(dir) = std::env::var_os("WUYE_PRINT_PNG_DIR") else {
            return;
        };
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("png dir");
        let path = dir.join(format!("{name}.pdf"));
        std::fs::write(&path, pdf).expect("write pdf");
        let status = Command::new("pdftoppm")
            .args(["-r", "80", "-png"])
            .arg(&path)
            .arg(dir.join(name))
            .status()
            .expect("pdftoppm");
        assert!(status.success());
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn font_covers_what_the_documents_print() {
        let f = font().expect("font");
        for c in "收款收据补打作废续合计人民币（大写）：¥㎡×…—·，。0123456789ABCabc-/".chars()
        {
            assert!(f.has_glyph(c), "font lacks {c:?}");
        }
    }

    #[test]
    fn widths_come_from_the_font() {
        let f = font().expect("font");
        let one = f.width_mm("1", 10.0);
        assert!(one > 1.0 && one < 3.0, "{one}");
        assert!((f.width_mm("111", 10.0) - 3.0 * one).abs() < 1e-4);
        let han = f.width_mm("收", 10.0);
        assert!(han > one, "a Chinese character is wider than a digit");
        assert!((f.width_mm("收", 20.0) - 2.0 * han).abs() < 1e-4);
    }

    #[test]
    fn cutting_and_wrapping_stay_within_the_width() {
        let f = font().expect("font");
        let long = "这是一段很长很长的计费明细说明文字，用来检查截断是否正确";
        let cut = f.cut_to_width(long, 30.0, 10.0);
        assert!(cut.ends_with('…'));
        assert!(f.width_mm(&cut, 10.0) <= 30.0);
        assert_eq!(f.cut_to_width("短", 30.0, 10.0), "短");

        let text = "尊敬的业主：您好！请于2026-12-31前缴纳物业服务费 1,234.56 元，谢谢配合。";
        let lines = f.wrap(text, 40.0, 10.0);
        assert!(lines.len() > 2);
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
        for l in &lines {
            assert!(!l.starts_with('，') && !l.starts_with('。'), "{l}");
            assert!(!l.starts_with(' ') && !l.ends_with(' '), "{l:?}");
            // Hanging punctuation may pass the edge by one character at most.
            assert!(f.width_mm(l, 10.0) <= 40.0 + f.width_mm("，", 10.0), "{l}");
        }
        assert!(
            lines.iter().any(|l| l.contains("1,234.56")),
            "numbers stay whole: {lines:?}"
        );
        let indented = f.wrap("\u{3000}\u{3000}请按时缴费。", 40.0, 10.0);
        assert!(
            indented[0].starts_with("\u{3000}\u{3000}请"),
            "{indented:?}"
        );
        assert_eq!(
            f.wrap("第一段\n第二段", 40.0, 10.0),
            vec!["第一段", "第二段"]
        );
    }

    #[test]
    fn missing_glyphs_become_visible_boxes() {
        let f = font().expect("font");
        assert_eq!(f.printable("a\tb"), "a b");
        let odd = "\u{10FFFD}";
        assert!(!f.printable(odd).contains(odd));
    }

    #[test]
    fn an_empty_document_is_refused() {
        let doc = Document::new("空").expect("doc");
        assert!(matches!(doc.finish(), Err(PrintError::Nothing)));
    }

    #[test]
    fn a_document_is_dated_when_it_is_made() {
        let mut doc = Document::new("日期").expect("doc");
        let page = doc.new_page(PageSize::A4);
        doc.add(page);
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("doc.pdf");
        std::fs::write(&path, doc.finish().expect("pdf")).expect("write pdf");
        let out = std::process::Command::new("pdfinfo")
            .args(["-isodates"])
            .arg(&path)
            .output()
            .expect("pdfinfo (poppler-utils) must be installed");
        let info = String::from_utf8_lossy(&out.stdout);
        let created = info
            .lines()
            .find_map(|l| l.strip_prefix("CreationDate:"))
            .unwrap_or_else(|| panic!("no creation date: {info}"))
            .trim()
            .to_string();
        let year = chrono::Utc::now().format("%Y").to_string();
        assert!(created.starts_with(&year), "{created}");
        assert!(info.contains("物业前台"), "{info}");
    }

    #[test]
    fn table_cells_never_overflow_their_column() {
        let mut doc = Document::new("表格").expect("doc");
        let mut page = doc.new_page(PageSize::A4);
        let table = Table::new(
            20.0,
            vec![
                Column::new("项目", 20.0, Align::Left),
                Column::new("金额", 25.0, Align::Right),
            ],
        );
        let top = table.header(&mut page, 20.0);
        table.row(
            &mut page,
            top,
            &["一个非常非常非常长的收费项目名称", "1,234,567.89"],
        );
        doc.add(page);
        let text = testing::pdf_text(&doc.finish().expect("pdf"));
        assert!(text.contains("项目"), "{text}");
        assert!(text.contains('…'), "{text}");
    }
}
