//! Reading tables (owner rosters and the like) from spreadsheet and CSV files.
//!
//! Turns `.xlsx` / `.xls` / `.ods` (first sheet) and `.csv` (UTF-8 or GBK) into a
//! [`Table`] of text cells with the row numbers the person sees in Excel. Checking the
//! content is left to [`crate::domain::roster`].

use std::path::Path;

use calamine::{Data, Reader, open_workbook_auto};

use crate::domain::roster::{Table, TableRow};

/// Why a table file could not be read. The message is Chinese and names the file.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file extension is not one we can read.
    #[error("「{file}」：只支持 .xlsx、.xls、.csv 文件")]
    UnsupportedType {
        /// File name as shown to the person.
        file: String,
    },
    /// The file could not be read from disk.
    #[error("无法读取文件「{file}」：{source}")]
    Io {
        /// File name as shown to the person.
        file: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The spreadsheet is damaged, locked, or not really a spreadsheet.
    #[error("无法打开表格「{file}」，文件可能已损坏或正在被其他程序占用：{message}")]
    Workbook {
        /// File name as shown to the person.
        file: String,
        /// Detail from the spreadsheet reader.
        message: String,
    },
    /// The CSV text is neither UTF-8 nor GBK.
    #[error("无法识别文件「{file}」的文字编码，请另存为 UTF-8 或 GBK 编码的 CSV")]
    Encoding {
        /// File name as shown to the person.
        file: String,
    },
    /// The CSV text could not be parsed.
    #[error("文件「{file}」第{line}行格式不对：{message}")]
    Csv {
        /// File name as shown to the person.
        file: String,
        /// 1-based line of the problem (0 if unknown).
        line: u64,
        /// Detail from the CSV parser.
        message: String,
    },
    /// Nothing in the file, not even a header row.
    #[error("文件「{file}」是空的，没有找到表头")]
    Empty {
        /// File name as shown to the person.
        file: String,
    },
}

/// Reads the first sheet of a spreadsheet (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`) or
/// a `.csv` file (UTF-8 with or without BOM, else GBK/GB18030) into a [`Table`].
///
/// The header is the first row with at least two filled cells (so a title row above it
/// is skipped), or the first non-empty row when there is none. Row numbers are those
/// shown in Excel (first row is 1). Numbers are written without a trailing `.0`, long
/// integers (ID numbers stored as numbers) never in scientific notation, dates as
/// `YYYY-MM-DD`.
pub fn read_table(path: &Path) -> Result<Table, ImportError> {
    let file = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let rows = match ext.as_str() {
        "csv" => read_csv_rows(path, &file)?,
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => read_sheet_rows(path, &file)?,
        _ => return Err(ImportError::UnsupportedType { file }),
    };
    into_table(rows).ok_or(ImportError::Empty { file })
}

/// Splits numbered rows into header and data rows.
fn into_table(rows: Vec<TableRow>) -> Option<Table> {
    let filled = |r: &TableRow| r.cells.iter().filter(|c| !c.trim().is_empty()).count();
    let header_at = rows
        .iter()
        .position(|r| filled(r) >= 2)
        .or_else(|| rows.iter().position(|r| filled(r) >= 1))?;
    let mut rest = rows.into_iter().skip(header_at);
    let header = rest.next()?;
    let mut headers = header.cells;
    while headers.last().is_some_and(|h| h.trim().is_empty()) {
        headers.pop();
    }
    Some(Table {
        headers,
        rows: rest.collect(),
    })
}

/// Reads the first worksheet into numbered rows.
fn read_sheet_rows(path: &Path, file: &str) -> Result<Vec<TableRow>, ImportError> {
    let workbook_err = |message: String| ImportError::Workbook {
        file: file.to_string(),
        message,
    };
    let mut workbook = open_workbook_auto(path).map_err(|e| workbook_err(e.to_string()))?;
    let range = match workbook.worksheet_range_at(0) {
        Some(r) => r.map_err(|e| workbook_err(e.to_string()))?,
        None => {
            return Err(ImportError::Empty {
                file: file.to_string(),
            });
        }
    };
    let Some((start_row, start_col)) = range.start() else {
        return Ok(Vec::new());
    };
    let lead = usize::try_from(start_col).unwrap_or(0);
    let first_row = usize::try_from(start_row).unwrap_or(0);
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            let mut cells = vec![String::new(); lead];
            cells.extend(row.iter().map(cell_text));
            TableRow {
                row_no: first_row + i + 1,
                cells,
            }
        })
        .collect())
}

/// Text of one spreadsheet cell, as the person would read it.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTime(dt) => float_text(dt.as_f64()),
        Data::DateTimeIso(s) => s
            .strip_suffix("T00:00:00")
            .unwrap_or(s)
            .replacen('T', " ", 1),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e}"),
    }
}

/// A float as text, without a trailing `.0` and never in scientific notation.
///
/// Integral values are written with the fewest significant digits that identify the
/// float, padded with zeros: an 18-digit ID stored as a number (Excel keeps 15 digits)
/// reads `440305198503012000`, not `4.40305198503012e17` nor `440305198503011968`.
/// Other values use the shortest exact decimal (`89.5`).
fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 {
        let sci = format!("{:e}", f.abs());
        if let Some((mantissa, exp)) = sci.split_once('e')
            && let Ok(exp) = exp.parse::<usize>()
        {
            let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
            let frac_len = digits.len().saturating_sub(1);
            if exp >= frac_len {
                let sign = if f < 0.0 { "-" } else { "" };
                return format!("{sign}{digits}{}", "0".repeat(exp - frac_len));
            }
        }
    }
    // Rust's `Display` for f64 never uses exponent notation.
    format!("{f}")
}

/// Reads a CSV file into numbered rows, decoding UTF-8 or GBK.
fn read_csv_rows(path: &Path, file: &str) -> Result<Vec<TableRow>, ImportError> {
    let bytes = std::fs::read(path).map_err(|source| ImportError::Io {
        file: file.to_string(),
        source,
    })?;
    let text = decode_csv_bytes(&bytes).ok_or_else(|| ImportError::Encoding {
        file: file.to_string(),
    })?;
    parse_csv(&text, file)
}

/// UTF-8 (BOM stripped) if valid, else GB18030 (a superset of GBK); `None` if neither.
fn decode_csv_bytes(bytes: &[u8]) -> Option<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Some(s.to_string());
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        None
    } else {
        Some(text.into_owned())
    }
}

/// Parses CSV text. Row numbers follow Excel: blank lines count as rows, a quoted
/// cell spanning several lines stays one row.
fn parse_csv(text: &str, file: &str) -> Result<Vec<TableRow>, ImportError> {
    let row_numbers = csv_row_numbers(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| ImportError::Csv {
            file: file.to_string(),
            line: e.position().map_or(0, csv::Position::line),
            message: e.to_string(),
        })?;
        rows.push(TableRow {
            row_no: row_numbers.get(i).copied().unwrap_or(i + 1),
            cells: record.iter().map(str::to_string).collect(),
        });
    }
    Ok(rows)
}

/// The Excel row number of every non-blank CSV record, in order. The csv reader skips
/// empty lines, so they are counted here with a small quote-aware scan.
fn csv_row_numbers(text: &str) -> Vec<usize> {
    let mut numbers = Vec::new();
    let mut row = 1usize;
    let mut in_quotes = false;
    let mut blank = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                in_quotes = !in_quotes;
                blank = false;
            }
            '\r' | '\n' if !in_quotes => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                if !blank {
                    numbers.push(row);
                }
                row += 1;
                blank = true;
            }
            _ => blank = false,
        }
    }
    if !blank {
        numbers.push(row);
    }
    numbers
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::domain::idcard::id_check_digit;
    use crate::domain::roster::check_roster;
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

    fn id(first17: &str) -> String {
        format!("{first17}{}", id_check_digit(first17).unwrap())
    }

    /// A valid ID number ending in `000`, which survives Excel's 15 significant
    /// digits when typed as a number.
    fn number_safe_id() -> String {
        (1..=28)
            .flat_map(|day| (0..10).map(move |n| format!("440305198503{day:02}{n}00")))
            .map(|first17| id(&first17))
            .find(|s| s.ends_with("000"))
            .unwrap()
    }

    fn cells(t: &Table, i: usize) -> Vec<&str> {
        t.rows[i].cells.iter().map(String::as_str).collect()
    }

    #[test]
    fn utf8_csv_with_bom_quotes_and_blank_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("名册.CSV");
        let text =
            "\u{feff}房号,业主姓名,备注\r\n3栋101,张三,\"多行\n备注\"\r\n\r\n3栋102,李四\r\n";
        std::fs::write(&path, text).unwrap();
        let t = read_table(&path).unwrap();
        assert_eq!(t.headers, vec!["房号", "业主姓名", "备注"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(cells(&t, 0), vec!["3栋101", "张三", "多行\n备注"]);
        assert_eq!(t.rows[0].row_no, 2);
        // The blank line is row 3 in Excel; the short row is kept as is.
        assert_eq!(t.rows[1].row_no, 4);
        assert_eq!(cells(&t, 1), vec!["3栋102", "李四"]);
    }

    #[test]
    fn gbk_csv() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gbk.csv");
        let (bytes, _, bad) =
            encoding_rs::GBK.encode("房号,业主姓名,车牌\n3栋101,张三丰,粤B12345\n");
        assert!(!bad);
        assert!(
            std::str::from_utf8(&bytes).is_err(),
            "test data must not be UTF-8"
        );
        std::fs::write(&path, bytes).unwrap();
        let t = read_table(&path).unwrap();
        assert_eq!(t.headers, vec!["房号", "业主姓名", "车牌"]);
        assert_eq!(cells(&t, 0), vec!["3栋101", "张三丰", "粤B12345"]);
    }

    #[test]
    fn undecodable_and_empty_csv() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.csv");
        std::fs::write(&path, [0x81u8, 0x20, 0xFF, 0xFE, b'\n']).unwrap();
        let err = read_table(&path).unwrap_err();
        assert!(matches!(err, ImportError::Encoding { .. }));
        assert!(err.to_string().contains("bad.csv"));

        let path = dir.path().join("empty.csv");
        std::fs::write(&path, "\r\n\r\n").unwrap();
        let err = read_table(&path).unwrap_err();
        assert_eq!(err.to_string(), "文件「empty.csv」是空的，没有找到表头");
    }

    #[test]
    fn unsupported_and_missing_files() {
        let err = read_table(Path::new("/tmp/名册.docx")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "「名册.docx」：只支持 .xlsx、.xls、.csv 文件"
        );
        let err = read_table(Path::new("/no/such/dir/名册.csv")).unwrap_err();
        assert!(matches!(err, ImportError::Io { .. }));
        assert!(err.to_string().starts_with("无法读取文件「名册.csv」"));
        let err = read_table(Path::new("/no/such/dir/名册.xlsx")).unwrap_err();
        assert!(matches!(err, ImportError::Workbook { .. }));
        assert!(err.to_string().contains("名册.xlsx"));
    }

    #[test]
    fn not_really_a_workbook() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fake.xlsx");
        std::fs::write(&path, "房号,业主\n").unwrap();
        let err = read_table(&path).unwrap_err();
        assert!(matches!(err, ImportError::Workbook { .. }));
    }

    #[test]
    fn xlsx_cells_become_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("名册.xlsx");
        let exact_id = number_safe_id();
        let text_id = id("11010119900307451");

        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        // Title row above the header, starting in column B (range does not start at A1).
        ws.write_string(1, 1, "幸福小区业主花名册").unwrap();
        let headers = [
            "房号",
            "业主姓名",
            "身份证号",
            "建筑面积",
            "交房日期",
            "电话",
        ];
        for (c, h) in headers.iter().enumerate() {
            ws.write_string(2, 1 + u16::try_from(c).unwrap(), *h)
                .unwrap();
        }
        ws.write_string(3, 1, "3栋2单元1502").unwrap();
        ws.write_string(3, 2, "张三").unwrap();
        ws.write_number(3, 3, exact_id.parse::<f64>().unwrap())
            .unwrap();
        ws.write_number(3, 4, 89.5).unwrap();
        let date_fmt = Format::new().set_num_format("yyyy-mm-dd");
        ws.write_datetime_with_format(
            3,
            5,
            ExcelDateTime::from_ymd(2024, 3, 5).unwrap(),
            &date_fmt,
        )
        .unwrap();
        ws.write_number(3, 6, 13_812_345_678.0).unwrap();

        ws.write_string(5, 1, "3栋2单元902").unwrap();
        ws.write_string(5, 2, "李四").unwrap();
        ws.write_string(5, 3, &text_id).unwrap();
        ws.write_number(5, 4, 120.0).unwrap();
        ws.write_number(5, 5, 0.1 + 0.2).unwrap();
        // A normal ID typed as a number: Excel keeps 15 significant digits.
        ws.write_string(6, 1, "3栋2单元903").unwrap();
        ws.write_string(6, 2, "王五").unwrap();
        ws.write_number(6, 3, text_id.parse::<f64>().unwrap())
            .unwrap();
        wb.save(&path).unwrap();

        let t = read_table(&path).unwrap();
        assert_eq!(t.headers[0], "");
        assert_eq!(&t.headers[1..], &headers);
        assert_eq!(t.rows.len(), 4);
        assert_eq!(t.rows[0].row_no, 4);
        assert_eq!(
            cells(&t, 0),
            vec![
                "",
                "3栋2单元1502",
                "张三",
                exact_id.as_str(),
                "89.5",
                "2024-03-05",
                "13812345678"
            ]
        );
        assert!(t.rows[1].cells.iter().all(String::is_empty));
        assert_eq!(t.rows[2].row_no, 6);
        assert_eq!(
            &t.rows[2].cells[1..5],
            &["3栋2单元902", "李四", text_id.as_str(), "120"]
        );
        assert_eq!(t.rows[2].cells[5], "0.30000000000000004");
        let long = &t.rows[3].cells[3];
        assert_eq!(long.len(), 18, "not scientific notation: {long}");
        assert!(long.chars().all(|c| c.is_ascii_digit()));
        assert_eq!(long[..15], text_id[..15]);

        // The table goes straight into the roster check.
        let checks = check_roster(&t).unwrap();
        assert_eq!(checks.len(), 3);
        let first = checks[0].result.as_ref().unwrap();
        assert_eq!(first.id_number.as_deref(), Some(exact_id.as_str()));
        assert_eq!(first.area_centi_m2, Some(8950));
        assert_eq!(checks[1].result.as_ref().unwrap().id_number, Some(text_id));
        let reasons = checks[2].result.clone().unwrap_err();
        assert_eq!(reasons.len(), 1);
        assert!(reasons[0].starts_with("身份证号："), "{reasons:?}");
    }

    #[test]
    fn long_number_id_is_not_scientific() {
        // An 18-digit ID typed as a number that f64 cannot hold exactly.
        let text = float_text(110_101_199_003_074_511.0);
        assert_eq!(text.len(), 18);
        assert!(text.chars().all(|c| c.is_ascii_digit()));
        assert_eq!(float_text(1.1e17), "110000000000000000");
        assert_eq!(float_text(89.5), "89.5");
        assert_eq!(float_text(-3.0), "-3");
        assert_eq!(float_text(0.0), "0");
        assert_eq!(float_text(1e-7), "0.0000001");
        assert_eq!(float_text(1e19), "10000000000000000000");
        assert_eq!(float_text(440_305_198_503_011_968.0), "440305198503012000");
        assert_eq!(float_text(13_812_345_678.0), "13812345678");
        assert_eq!(float_text(9_007_199_254_740_993.0), "9007199254740992");
        assert_eq!(float_text(-0.0), "0");
    }

    #[test]
    fn roster_fixtures_read_the_same() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
        let utf8 = read_table(&dir.join("roster_mixed.csv")).unwrap();
        let gbk = read_table(&dir.join("roster_gbk.csv")).unwrap();
        assert_eq!(utf8, gbk);
        assert_eq!(
            utf8.headers,
            vec!["房号", "业主姓名", "电话", "身份证号", "建筑面积", "车牌"]
        );
        let checks = check_roster(&utf8).unwrap();
        let bad: Vec<usize> = checks
            .iter()
            .filter(|c| c.result.is_err())
            .map(|c| c.row_no)
            .collect();
        assert_eq!(bad, vec![4, 5, 6, 8, 9, 10]);
        assert_eq!(checks.iter().filter(|c| c.result.is_ok()).count(), 5);
    }
}

mod preview;
pub use preview::preview_roster;
