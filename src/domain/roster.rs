//! Checking an owner roster table (业主花名册) before it is imported into the archive.
//!
//! Pure: the table is read elsewhere (`crate::import`); here every row is validated
//! and all reasons for a bad row are collected, in the desk's words.

use std::collections::HashMap;

use super::area::parse_area;
use super::idcard::validate_id_number;
use super::phone::validate_phone;
use super::plate::validate_plate;
use super::unit_code::{building_of, normalize_unit_code};

/// A table as read from a spreadsheet or CSV file: one header row, then data rows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// Header cells of the first row, as written.
    pub headers: Vec<String>,
    /// Data rows below the header.
    pub rows: Vec<TableRow>,
}

impl Table {
    /// A table from its header and rows of cells as written, the rows numbered from 2 as in
    /// a spreadsheet under its header.
    #[must_use]
    pub fn from_cells(headers: &[&str], rows: &[&[&str]]) -> Self {
        Self {
            headers: headers.iter().map(|h| (*h).to_string()).collect(),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, r)| TableRow {
                    row_no: i + 2,
                    cells: r.iter().map(|c| (*c).to_string()).collect(),
                })
                .collect(),
        }
    }
}

/// One data row of a [`Table`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TableRow {
    /// 1-based row number as the person sees it in Excel (the header is row 1).
    pub row_no: usize,
    /// Cell texts; may be shorter or longer than the header.
    pub cells: Vec<String>,
}

/// A roster row that passed every check, normalized and ready to import.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterRow {
    /// Row number in the file (header is row 1).
    pub row_no: usize,
    /// Normalized unit code (房号).
    pub unit_code: String,
    /// Building (楼栋): the 楼栋 column, else taken from the unit code.
    pub building: Option<String>,
    /// Unit kind: 住宅 / 店面 / 车位.
    pub unit_kind: Option<String>,
    /// Unit status: 未交房 / 空置 / 装修中 / 已入住 / 出租.
    pub unit_status: Option<String>,
    /// Building area in hundredths of m².
    pub area_centi_m2: Option<i64>,
    /// Owner name (业主姓名), trimmed.
    pub owner_name: String,
    /// Normalized phone number.
    pub phone: Option<String>,
    /// Normalized ID number.
    pub id_number: Option<String>,
    /// Normalized plates, in the order given, without repeats.
    pub plates: Vec<String>,
    /// Parking space code (车位号).
    pub parking_space: Option<String>,
}

/// The outcome of checking one roster row.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterCheck {
    /// Row number in the file (header is row 1).
    pub row_no: usize,
    /// Unit code as typed (trimmed), to show next to the result.
    pub unit_code: String,
    /// Owner name as typed (trimmed), to show next to the result.
    pub owner_name: String,
    /// The clean row, or every reason why the row cannot be imported.
    pub result: Result<RosterRow, Vec<String>>,
}

/// Which column (0-based) holds which roster field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    /// 房号 (required).
    pub unit_code: usize,
    /// 业主姓名 (required).
    pub owner_name: usize,
    /// 电话.
    pub phone: Option<usize>,
    /// 身份证号.
    pub id_number: Option<usize>,
    /// 建筑面积.
    pub area: Option<usize>,
    /// 车牌 (may hold several plates).
    pub plates: Option<usize>,
    /// 楼栋.
    pub building: Option<usize>,
    /// 房屋类型.
    pub unit_kind: Option<usize>,
    /// 房屋状态.
    pub unit_status: Option<usize>,
    /// 车位号.
    pub parking_space: Option<usize>,
}

/// Allowed unit kinds.
pub const UNIT_KINDS: [&str; 3] = ["住宅", "店面", "车位"];
/// Allowed unit statuses.
pub const UNIT_STATUSES: [&str; 5] = ["未交房", "空置", "装修中", "已入住", "出租"];
/// Longest accepted owner name, in characters.
const MAX_NAME_CHARS: usize = 20;

/// Field slots used while mapping headers.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Field {
    UnitCode,
    OwnerName,
    Phone,
    IdNumber,
    Area,
    Plates,
    Building,
    UnitKind,
    UnitStatus,
    ParkingSpace,
}

/// Header synonyms per field (after [`clean_header`]).
const SYNONYMS: [(Field, &[&str]); 10] = [
    (Field::UnitCode, &["房号", "房屋编号", "单元号", "房间号"]),
    (Field::OwnerName, &["业主姓名", "业主", "姓名", "户主"]),
    (
        Field::Phone,
        &["电话", "联系电话", "手机", "手机号", "手机号码", "电话号码"],
    ),
    (
        Field::IdNumber,
        &["身份证号", "身份证", "身份证号码", "证件号码"],
    ),
    (Field::Area, &["建筑面积", "面积"]),
    (Field::Plates, &["车牌", "车牌号", "车牌号码"]),
    (Field::Building, &["楼栋", "楼号"]),
    (Field::UnitKind, &["房屋类型", "类型"]),
    (Field::UnitStatus, &["状态", "房屋状态"]),
    (Field::ParkingSpace, &["车位", "车位号"]),
];

/// Strips spaces, a BOM, a required-marker `*`, a trailing colon and anything in
/// brackets (units like `(㎡)` / `（m²）`) from a header cell.
fn clean_header(h: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in h.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = depth.saturating_sub(1),
            _ if depth > 0 => {}
            '\u{feff}' | '*' | '＊' | ':' | '：' => {}
            _ if c.is_whitespace() => {}
            _ => out.push(c),
        }
    }
    out
}

/// Finds the roster columns in a header row. Unknown columns are ignored; when two
/// columns mean the same field the first one counts. Fails with a Chinese message
/// naming the missing column when 房号 or 业主姓名 cannot be found.
pub fn map_headers(headers: &[String]) -> Result<ColumnMap, String> {
    let mut found: HashMap<Field, usize> = HashMap::new();
    for (col, h) in headers.iter().enumerate() {
        let h = clean_header(h);
        if let Some((field, _)) = SYNONYMS
            .iter()
            .find(|(_, names)| names.contains(&h.as_str()))
        {
            found.entry(*field).or_insert(col);
        }
    }
    let get = |f: Field| found.get(&f).copied();
    let unit_code = get(Field::UnitCode);
    let owner_name = get(Field::OwnerName);
    let (unit_code, owner_name) = match (unit_code, owner_name) {
        (Some(u), Some(o)) => (u, o),
        (None, Some(_)) => return Err("表头缺少「房号」列".to_string()),
        (Some(_), None) => return Err("表头缺少「业主姓名」列".to_string()),
        (None, None) => return Err("表头缺少「房号」和「业主姓名」列".to_string()),
    };
    Ok(ColumnMap {
        unit_code,
        owner_name,
        phone: get(Field::Phone),
        id_number: get(Field::IdNumber),
        area: get(Field::Area),
        plates: get(Field::Plates),
        building: get(Field::Building),
        unit_kind: get(Field::UnitKind),
        unit_status: get(Field::UnitStatus),
        parking_space: get(Field::ParkingSpace),
    })
}

/// Checks every non-empty row of a roster table.
///
/// Returns one [`RosterCheck`] per non-empty row, in file order. Fails only when the
/// header row lacks a required column. Empty phone / ID / area / plates are allowed;
/// a unit code that repeats an earlier row is rejected as `房号与第N行重复`.
pub fn check_roster(table: &Table) -> Result<Vec<RosterCheck>, String> {
    let map = map_headers(&table.headers)?;
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut checks = Vec::new();
    for row in &table.rows {
        if row.cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |col: Option<usize>| -> &str {
            col.and_then(|i| row.cells.get(i)).map_or("", |s| s.trim())
        };
        let typed_code = cell(Some(map.unit_code)).to_string();
        let typed_name = cell(Some(map.owner_name)).to_string();
        let result = check_row(row.row_no, &map, &cell, &mut seen);
        checks.push(RosterCheck {
            row_no: row.row_no,
            unit_code: typed_code,
            owner_name: typed_name,
            result,
        });
    }
    Ok(checks)
}

/// Validates one row; `seen` maps normalized unit codes to the row they first appeared on.
fn check_row<'a>(
    row_no: usize,
    map: &ColumnMap,
    cell: &dyn Fn(Option<usize>) -> &'a str,
    seen: &mut HashMap<String, usize>,
) -> Result<RosterRow, Vec<String>> {
    let mut reasons = Vec::new();

    let unit_code = match normalize_unit_code(cell(Some(map.unit_code))) {
        Ok(code) => {
            if let Some(first) = seen.get(&code) {
                reasons.push(format!("房号与第{first}行重复"));
            } else {
                seen.insert(code.clone(), row_no);
            }
            code
        }
        Err(e) => {
            reasons.push(e);
            String::new()
        }
    };

    let owner_name = cell(Some(map.owner_name)).to_string();
    if owner_name.is_empty() {
        reasons.push("请填写业主姓名".to_string());
    } else if owner_name.chars().count() > MAX_NAME_CHARS {
        reasons.push("业主姓名太长（最多20个字）".to_string());
    }

    let phone = optional(cell(map.phone), validate_phone, "电话", &mut reasons);
    let id_number = optional(cell(map.id_number), check_id_cell, "身份证号", &mut reasons);
    let area_centi_m2 = optional(cell(map.area), parse_area, "建筑面积", &mut reasons);

    let mut plates: Vec<String> = Vec::new();
    for typed in split_plates(cell(map.plates)) {
        match validate_plate(typed) {
            Ok(p) if !plates.contains(&p) => plates.push(p),
            Ok(_) => {}
            Err(e) => reasons.push(format!("车牌「{typed}」：{e}")),
        }
    }

    let unit_kind = one_of(cell(map.unit_kind), &UNIT_KINDS, "房屋类型", &mut reasons);
    let unit_status = one_of(
        cell(map.unit_status),
        &UNIT_STATUSES,
        "房屋状态",
        &mut reasons,
    );

    let parking_space = optional(
        cell(map.parking_space),
        normalize_unit_code,
        "车位",
        &mut reasons,
    );

    let building_cell: String = cell(map.building)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let building = if building_cell.is_empty() {
        building_of(&unit_code)
    } else {
        Some(building_cell)
    };
    let needs_building = !matches!(unit_kind.as_deref(), Some("店面" | "车位"))
        && !["商铺", "店面", "车位"]
            .iter()
            .any(|p| unit_code.starts_with(p));
    if building.is_none() && needs_building && !unit_code.is_empty() {
        reasons.push("无法从房号看出楼栋，请填写「楼栋」列".to_string());
    }

    if reasons.is_empty() {
        Ok(RosterRow {
            row_no,
            unit_code,
            building,
            unit_kind,
            unit_status,
            area_centi_m2,
            owner_name,
            phone,
            id_number,
            plates,
            parking_space,
        })
    } else {
        Err(reasons)
    }
}

/// Runs a validator on a non-empty cell; an empty cell is `None`, a bad one adds
/// `"<label>：<message>"` to `reasons`.
fn optional<T>(
    text: &str,
    validate: impl Fn(&str) -> Result<T, String>,
    label: &str,
    reasons: &mut Vec<String>,
) -> Option<T> {
    if text.is_empty() {
        return None;
    }
    match validate(text) {
        Ok(v) => Some(v),
        Err(e) => {
            reasons.push(format!("{label}：{e}"));
            None
        }
    }
}

/// ID cell check with a hint for numbers Excel turned into scientific notation, and
/// tolerance for the leading `'` Excel uses to mark text.
fn check_id_cell(text: &str) -> Result<String, String> {
    let text = text.strip_prefix('\'').unwrap_or(text);
    if text.contains(['E', 'e']) && text.contains('+') {
        return Err("被 Excel 改成了科学计数法，请把这一列设为文本后重新填写".to_string());
    }
    validate_id_number(text)
}

/// An optional cell that must be one of the allowed words.
fn one_of(text: &str, allowed: &[&str], label: &str, reasons: &mut Vec<String>) -> Option<String> {
    if text.is_empty() {
        return None;
    }
    if allowed.contains(&text) {
        Some(text.to_string())
    } else {
        reasons.push(format!("{label}应为 {}", allowed.join("、")));
        None
    }
}

/// Splits a plates cell on `,` `，` `、` `/` `;` `；` and whitespace.
fn split_plates(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| matches!(c, ',' | '，' | '、' | '/' | ';' | '；') || c.is_whitespace())
        .filter(|p| !p.is_empty())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::domain::idcard::id_check_digit;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| (*s).to_string()).collect()
    }

    fn id(first17: &str) -> String {
        format!("{first17}{}", id_check_digit(first17).unwrap())
    }

    fn table(headers: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            headers: strings(headers),
            rows: rows
                .iter()
                .enumerate()
                .map(|(i, cells)| TableRow {
                    row_no: i + 2,
                    cells: strings(cells),
                })
                .collect(),
        }
    }

    const HEADERS: [&str; 6] = ["房号", "业主姓名", "电话", "身份证号", "建筑面积", "车牌"];

    #[test]
    fn header_synonyms_and_decorations() {
        let map = map_headers(&strings(&[
            " 房间号 ",
            "备注",
            "*户主",
            "手机号码",
            "证件号码",
            "建筑面积（m²）",
            "车牌号",
            "楼号",
            "类型",
            "房屋状态",
            "车位号",
        ]))
        .unwrap();
        assert_eq!(
            map,
            ColumnMap {
                unit_code: 0,
                owner_name: 2,
                phone: Some(3),
                id_number: Some(4),
                area: Some(5),
                plates: Some(6),
                building: Some(7),
                unit_kind: Some(8),
                unit_status: Some(9),
                parking_space: Some(10),
            }
        );
        let map = map_headers(&strings(&[
            "\u{feff}房 号",
            "姓名",
            "面积(㎡)",
            "电话",
            "联系电话",
        ]))
        .unwrap();
        assert_eq!(map.unit_code, 0);
        assert_eq!(map.area, Some(2));
        assert_eq!(map.phone, Some(3), "first matching column wins");
        assert_eq!(map.id_number, None);
    }

    #[test]
    fn missing_required_headers() {
        assert_eq!(
            map_headers(&strings(&["业主", "电话"])),
            Err("表头缺少「房号」列".to_string())
        );
        assert_eq!(
            map_headers(&strings(&["房号", "电话"])),
            Err("表头缺少「业主姓名」列".to_string())
        );
        assert_eq!(
            map_headers(&[]),
            Err("表头缺少「房号」和「业主姓名」列".to_string())
        );
        let t = table(&["房屋", "名字"], &[&["3栋101", "张三"]]);
        assert!(check_roster(&t).is_err());
    }

    #[test]
    fn good_row_is_normalized() {
        let good_id = id("44030519850315123");
        let t = table(
            &HEADERS,
            &[&[
                " 3栋 2单元1502 ",
                " 张三 ",
                "138 1234 5678",
                &good_id.to_lowercase(),
                "89.5㎡",
                "粤b12345、粤BD12345，粤B12345",
            ]],
        );
        let checks = check_roster(&t).unwrap();
        assert_eq!(checks.len(), 1);
        assert_eq!(checks[0].unit_code, "3栋 2单元1502");
        assert_eq!(checks[0].owner_name, "张三");
        assert_eq!(
            checks[0].result,
            Ok(RosterRow {
                row_no: 2,
                unit_code: "3栋2单元1502".into(),
                building: Some("3栋".into()),
                unit_kind: None,
                unit_status: None,
                area_centi_m2: Some(8950),
                owner_name: "张三".into(),
                phone: Some("13812345678".into()),
                id_number: Some(good_id.clone()),
                plates: strings(&["粤B12345", "粤BD12345"]),
                parking_space: None,
            })
        );
    }

    #[test]
    fn optional_fields_may_be_empty_and_short_rows_are_fine() {
        let t = table(
            &HEADERS,
            &[
                &["12栋0801", "李四"],
                &["12栋0802", "王五", "", " ", "", ""],
            ],
        );
        let checks = check_roster(&t).unwrap();
        assert_eq!(checks.len(), 2);
        for c in &checks {
            let row = c.result.as_ref().unwrap();
            assert_eq!(row.building.as_deref(), Some("12栋"));
            assert_eq!(row.phone, None);
            assert_eq!(row.id_number, None);
            assert_eq!(row.area_centi_m2, None);
            assert!(row.plates.is_empty());
        }
    }

    #[test]
    fn all_reasons_are_collected() {
        let t = table(
            &HEADERS,
            &[&["1栋101", "", "12345", "110105194912310021", "0", "粤B1234"]],
        );
        let checks = check_roster(&t).unwrap();
        let reasons = checks[0].result.clone().unwrap_err();
        assert_eq!(
            reasons,
            strings(&[
                "请填写业主姓名",
                "电话：手机号应为11位，以1开头",
                "身份证号：身份证号校验位不对，请核对号码",
                "建筑面积：面积必须大于0",
                "车牌「粤B1234」：车牌格式不对，如 粤B12345 或新能源 粤BD12345",
            ])
        );
    }

    #[test]
    fn duplicates_and_empty_rows() {
        let mut t = table(
            &HEADERS,
            &[
                &["3栋101", "甲"],
                &["", " ", ""],
                &["3栋 101", "乙"],
                &["３栋101", "丙"],
                &["3栋102", "丁"],
            ],
        );
        t.rows.push(TableRow {
            row_no: 9,
            cells: vec![],
        });
        let checks = check_roster(&t).unwrap();
        let rows: Vec<usize> = checks.iter().map(|c| c.row_no).collect();
        assert_eq!(rows, vec![2, 4, 5, 6]);
        assert!(checks[0].result.is_ok());
        assert_eq!(checks[1].result, Err(strings(&["房号与第2行重复"])));
        assert_eq!(checks[2].result, Err(strings(&["房号与第2行重复"])));
        assert!(checks[3].result.is_ok());
    }

    #[test]
    fn building_kind_status_parking() {
        let t = table(
            &["房号", "业主", "楼栋", "房屋类型", "状态", "车位"],
            &[
                &["1502", "甲", "", "住宅", "已入住", ""],
                &["1503", "乙", "A座", "住宅", "出租", "b1-023"],
                &["商铺A-12", "丙", "", "店面", "空置", ""],
                &["X-1", "丁", "", "车位", "", ""],
                &["商铺A-13", "戊", "", "", "", ""],
                &["3栋101", "己", "", "别墅", "住着", ""],
            ],
        );
        let checks = check_roster(&t).unwrap();
        assert_eq!(
            checks[0].result,
            Err(strings(&["无法从房号看出楼栋，请填写「楼栋」列"]))
        );
        let r1 = checks[1].result.as_ref().unwrap();
        assert_eq!(r1.building.as_deref(), Some("A座"));
        assert_eq!(r1.unit_status.as_deref(), Some("出租"));
        assert_eq!(r1.parking_space.as_deref(), Some("B1-023"));
        let r2 = checks[2].result.as_ref().unwrap();
        assert_eq!(r2.building, None);
        assert_eq!(r2.unit_kind.as_deref(), Some("店面"));
        assert!(checks[3].result.is_ok());
        assert!(checks[4].result.is_ok());
        assert_eq!(
            checks[5].result,
            Err(strings(&[
                "房屋类型应为 住宅、店面、车位",
                "房屋状态应为 未交房、空置、装修中、已入住、出租",
            ]))
        );
    }

    #[test]
    fn name_length_and_bad_code() {
        let long = "名".repeat(21);
        let t = table(
            &HEADERS,
            &[
                &["1栋1", &long],
                &["1栋2", &"名".repeat(20)],
                &["", "张三"],
                &[&"栋".repeat(31), "李四"],
            ],
        );
        let checks = check_roster(&t).unwrap();
        assert_eq!(
            checks[0].result,
            Err(strings(&["业主姓名太长（最多20个字）"]))
        );
        assert!(checks[1].result.is_ok());
        assert_eq!(checks[2].result, Err(strings(&["请填写房号"])));
        assert_eq!(checks[3].result, Err(strings(&["房号太长（最多30个字）"])));
    }

    #[test]
    fn excel_id_quirks() {
        let good = id("11010119900101123");
        let t = table(
            &HEADERS,
            &[
                &["1栋1", "甲", "", "1.10101E+17"],
                &["1栋2", "乙", "", &format!("'{good}")],
            ],
        );
        let checks = check_roster(&t).unwrap();
        assert_eq!(
            checks[0].result,
            Err(strings(&[
                "身份证号：被 Excel 改成了科学计数法，请把这一列设为文本后重新填写"
            ]))
        );
        assert_eq!(checks[1].result.as_ref().unwrap().id_number, Some(good));
    }
}
