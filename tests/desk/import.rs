//! Importing an owner roster: the preview marks each bad row with its reason and writes
//! nothing; confirming writes all good rows in one transaction.

use crate::common;

use wuye_desk::import::preview_roster;

fn data(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

#[test]
fn the_preview_marks_bad_rows_and_writes_nothing() {
    let (s, _) = common::store();
    let checks = preview_roster(&s, &data("roster_mixed.csv")).unwrap();
    let bad: Vec<usize> = checks
        .iter()
        .filter(|c| c.result.is_err())
        .map(|c| c.row_no)
        .collect();
    // Row 7 is fine on its own, but its plate 粤B12345 is already on row 2.
    assert_eq!(bad, vec![4, 5, 6, 7, 8, 9, 10]);
    let reason = |row: usize| {
        checks
            .iter()
            .find(|c| c.row_no == row)
            .unwrap()
            .result
            .as_ref()
            .unwrap_err()
            .join("；")
    };
    assert!(reason(4).contains("校验位"), "{}", reason(4));
    assert!(reason(5).contains("电话"), "{}", reason(5));
    assert!(reason(6).contains("面积"), "{}", reason(6));
    assert!(reason(7).contains("粤B12345"), "{}", reason(7));
    assert!(reason(8).contains("第2行"), "{}", reason(8));
    assert!(reason(9).contains("车牌"), "{}", reason(9));
    assert!(reason(10).contains("姓名"), "{}", reason(10));
    assert!(
        s.unit_rows().unwrap().is_empty(),
        "a preview writes nothing"
    );
}

#[test]
fn gbk_and_utf8_files_give_the_same_rows_and_good_rows_go_in_together() {
    let (mut s, actor) = common::store();
    let utf8 = preview_roster(&s, &data("roster_mixed.csv")).unwrap();
    let gbk = preview_roster(&s, &data("roster_gbk.csv")).unwrap();
    assert_eq!(utf8, gbk);
    let good: Vec<_> = utf8.into_iter().filter_map(|c| c.result.ok()).collect();
    assert_eq!(good.len(), 4);
    let report = s.import_roster(&actor, &good).unwrap();
    assert_eq!(report.owners_added, 4);
    let rows = s.unit_rows().unwrap();
    assert_eq!(rows.len(), report.units_added);
    assert!(rows.iter().all(|r| !r.owners.is_empty()));
    // Importing the same file again: every good row is now refused as already there.
    let again = preview_roster(&s, &data("roster_mixed.csv")).unwrap();
    assert!(again.iter().all(|c| c.result.is_err()));
    assert!(
        again
            .iter()
            .any(|c| c.result.as_ref().unwrap_err()[0].contains("已在档案中"))
    );
    // And a direct import of stale rows is refused whole.
    let before = s.unit_rows().unwrap().len();
    assert!(s.import_roster(&actor, &good).is_err());
    assert_eq!(s.unit_rows().unwrap().len(), before);
}

#[test]
fn an_xlsx_roster_with_an_id_typed_as_text_imports() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("花名册.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["房号", "业主姓名", "电话", "身份证号", "建筑面积", "车牌"]
        .iter()
        .enumerate()
    {
        sheet
            .write_string(0, u16::try_from(c).unwrap(), *h)
            .unwrap();
    }
    let id = common::id("44030519850301123");
    sheet.write_string(1, 0, "5栋1单元0601").unwrap();
    sheet.write_string(1, 1, "欧阳娜娜").unwrap();
    sheet.write_number(1, 2, 13912345678.0).unwrap();
    sheet.write_string(1, 3, &id).unwrap();
    sheet.write_number(1, 4, 118.3).unwrap();
    sheet.write_string(1, 5, "粤B·A1234").unwrap();
    book.save(&path).unwrap();
    let (mut s, actor) = common::store();
    let checks = preview_roster(&s, &path).unwrap();
    assert_eq!(checks.len(), 1);
    let row = checks[0].result.clone().unwrap();
    assert_eq!(row.area_centi_m2, Some(11830));
    assert_eq!(row.phone.as_deref(), Some("13912345678"));
    assert_eq!(row.id_number.as_deref(), Some(id.as_str()));
    s.import_roster(&actor, &[row]).unwrap();
    let unit = s.unit_id_by_code("5栋1单元0601").unwrap().unwrap();
    let d = s.unit_detail(unit).unwrap();
    assert_eq!(d.unit.building, "5栋");
    assert_eq!(d.occupants[0].name, "欧阳娜娜");
    assert_eq!(d.vehicles[0].plate, "粤BA1234");
}
