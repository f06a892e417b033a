//! Meter readings (抄表): readings as typed at the desk, usage with multiplier (倍率), rollover
//! (翻表) and replacement (换表), the checks a reading goes through before engineering is
//! asked to read it again, and the sharing of a common meter's cost over units (公摊).
//!
//! Readings and usage are integer thousandths of a unit (`_milli`: 1234.5 吨 = `1_234_500`),
//! never floating point. A meter with `digits` digits shows 0 … 10^digits − 1 and then starts
//! again from 0.

use super::kinds::ShareBasis;
use super::money::{self, normalize_char};
use super::roster::{Table, TableRow};
use super::unit_code::normalize_unit_code;
use chrono::NaiveDate;

/// Fewest digits a meter may have.
pub const MIN_DIGITS: u32 = 3;
/// Most digits a meter may have.
pub const MAX_DIGITS: u32 = 9;
/// How many months back the average usage of a meter is taken over.
pub const AVERAGE_MONTHS: usize = 6;
/// A reading above this many times the recent average is flagged.
pub const HIGH_USAGE_FACTOR: i64 = 3;
/// Usage up to this many units (in thousandths) is too small to judge against the average:
/// 1 吨 in a vacant flat that used 0.3 before is not worth a trip for engineering.
pub const HIGH_USAGE_FLOOR_MILLI: i64 = 5_000;
/// Most decimals a reading may be typed with.
pub const MAX_DECIMALS: usize = 2;

/// What a meter's readings are read against: its multiplier and how many digits it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MeterSpec {
    /// 倍率: the usage shown on the dial times this is the usage billed (CT meters: 20, 50 …).
    pub multiplier: i64,
    /// Digits before the decimal point; the dial rolls over after 10^digits − 1.
    pub digits: u32,
}

impl MeterSpec {
    /// The dial's range in thousandths: the value after which it starts again from zero.
    #[must_use]
    pub fn modulus_milli(self) -> i64 {
        10_i64
            .checked_pow(self.digits.clamp(MIN_DIGITS, MAX_DIGITS))
            .unwrap_or(i64::MAX / 1000)
            * 1000
    }
}

/// Parses a reading as typed (`1234`, `1234.5`, `１２３４`, ` 1,234 `) into thousandths,
/// refusing what a meter with `digits` digits cannot show.
///
/// The error is a short Chinese sentence for the row or form.
pub fn parse_reading(s: &str, digits: u32) -> Result<i64, String> {
    let text: String = s
        .chars()
        .map(normalize_char)
        .filter(|c| *c != ',' && !c.is_whitespace())
        .collect();
    if text.is_empty() {
        return Err("请填写读数".into());
    }
    if text.starts_with('-') {
        return Err("读数不能为负数".into());
    }
    let (int_part, frac_part) = text.split_once('.').unwrap_or((&text, ""));
    let all_digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    if (int_part.is_empty() && frac_part.is_empty())
        || !all_digits(int_part)
        || !all_digits(frac_part)
    {
        return Err("读数只能是数字，如 1234 或 1234.5".into());
    }
    let frac = frac_part.trim_end_matches('0');
    if frac.len() > MAX_DECIMALS {
        return Err(format!("读数最多{MAX_DECIMALS}位小数"));
    }
    let int_digits = int_part.trim_start_matches('0');
    let digits = digits.clamp(MIN_DIGITS, MAX_DIGITS);
    if int_digits.len() > digits as usize {
        return Err(format!("读数超过表盘位数（{digits}位），请核对"));
    }
    let mut value: i64 = 0;
    for c in int_digits.chars() {
        value = value * 10 + i64::from(c.to_digit(10).unwrap_or(0));
    }
    let mut frac_chars = frac.chars();
    for _ in 0..3 {
        value = value * 10
            + frac_chars
                .next()
                .and_then(|c| c.to_digit(10))
                .map_or(0, i64::from);
    }
    Ok(value)
}

/// Writes thousandths as the desk reads them: `1_234_500` → `"1234.5"`, `66_000` → `"66"`.
#[must_use]
pub fn format_milli(milli: i64) -> String {
    let sign = if milli < 0 { "-" } else { "" };
    let abs = milli.unsigned_abs();
    let whole = abs / 1000;
    let frac = abs % 1000;
    if frac == 0 {
        format!("{sign}{whole}")
    } else {
        let digits = format!("{frac:03}");
        format!("{sign}{whole}.{}", digits.trim_end_matches('0'))
    }
}

/// Why a usage cannot be worked out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageError {
    /// The reading is below the one before and no rollover was confirmed: 翻表 or 读错?
    Lower {
        /// The reading before, in thousandths.
        last_milli: i64,
    },
    /// A rollover was confirmed but the reading is not below the one before.
    NotRolledOver,
}

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Lower { last_milli } => write!(
                f,
                "低于上次读数 {}：是翻表，还是读错？",
                format_milli(*last_milli)
            ),
            Self::NotRolledOver => f.write_str("读数不低于上次，不是翻表"),
        }
    }
}

/// Usage between two readings of one meter, times its multiplier.
///
/// `rollover` says the dial went past its largest value and started again (翻表), which the
/// desk confirms when a reading is lower than the last: then usage is
/// `(10^digits − last + this) × multiplier`.
pub fn step_usage(
    last_milli: i64,
    this_milli: i64,
    rollover: bool,
    spec: MeterSpec,
) -> Result<i64, UsageError> {
    let dial = match (this_milli >= last_milli, rollover) {
        (true, false) => this_milli - last_milli,
        (false, true) => spec.modulus_milli() - last_milli + this_milli,
        (false, false) => return Err(UsageError::Lower { last_milli }),
        (true, true) => return Err(UsageError::NotRolledOver),
    };
    Ok(dial.saturating_mul(spec.multiplier.max(1)))
}

/// Usage across a replacement (换表) in one month:
/// `(final − last) × old multiplier + (current − start) × new multiplier`.
pub fn replacement_usage(
    old_last_milli: i64,
    old_final_milli: i64,
    old: MeterSpec,
    new_start_milli: i64,
    new_current_milli: i64,
    new_rollover: bool,
    new: MeterSpec,
) -> Result<i64, UsageError> {
    let tail = step_usage(old_last_milli, old_final_milli, false, old)?;
    let head = step_usage(new_start_milli, new_current_milli, new_rollover, new)?;
    Ok(tail.saturating_add(head))
}

/// The average monthly usage over recent months (at most [`AVERAGE_MONTHS`] of them, the
/// newest last), or `None` when there are none. Rounded half up to the thousandth.
#[must_use]
pub fn recent_average(usages_milli: &[i64]) -> Option<i64> {
    let start = usages_milli.len().saturating_sub(AVERAGE_MONTHS);
    let recent = usages_milli.get(start..)?;
    if recent.is_empty() {
        return None;
    }
    let sum: i128 = recent.iter().map(|&u| i128::from(u)).sum();
    let n = i128::try_from(recent.len()).unwrap_or(1);
    Some(money::round_div(sum, n))
}

/// Something about a reading the desk should look at; the reading is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadingFlag {
    /// More than [`HIGH_USAGE_FACTOR`] times the recent average.
    High {
        /// The recent average, in thousandths.
        average_milli: i64,
    },
    /// Nothing used in a unit someone lives in.
    ZeroOccupied,
}

impl ReadingFlag {
    /// The reason, in the desk's words, for the row's flag column.
    #[must_use]
    pub fn reason(&self) -> String {
        match self {
            Self::High { average_milli } => format!(
                "用量超过近期平均 {} 的{HIGH_USAGE_FACTOR}倍",
                format_milli(*average_milli)
            ),
            Self::ZeroOccupied => "已入住，用量为零".into(),
        }
    }
}

/// The flags' reasons in one line, for a row or a note: `…的3倍；已入住，用量为零`.
#[must_use]
pub fn flags_text(flags: &[ReadingFlag]) -> String {
    flags
        .iter()
        .map(ReadingFlag::reason)
        .collect::<Vec<_>>()
        .join("；")
}

/// The flags on a reading with `usage_milli`, given the meter's recent average and whether
/// someone lives in the unit (common meters: `occupied = false`).
#[must_use]
pub fn reading_flags(
    usage_milli: i64,
    average_milli: Option<i64>,
    occupied: bool,
) -> Vec<ReadingFlag> {
    let mut flags = Vec::new();
    if let Some(avg) = average_milli.filter(|a| *a > 0)
        && usage_milli > HIGH_USAGE_FLOOR_MILLI
        && i128::from(usage_milli) > i128::from(avg) * i128::from(HIGH_USAGE_FACTOR)
    {
        flags.push(ReadingFlag::High { average_milli: avg });
    }
    if occupied && usage_milli == 0 {
        flags.push(ReadingFlag::ZeroOccupied);
    }
    flags
}

/// Shares a common meter's cost over units, exactly (largest remainder, the parts add up
/// to `cost_fen`).
///
/// `areas_centi_m2` are the units' floor areas (needed by area; `None` where unknown). By
/// household every unit bears one part. Errors (Chinese): by area with a unit whose area is
/// unknown, or nothing to share over.
pub fn share_cost(
    cost_fen: i64,
    basis: ShareBasis,
    areas_centi_m2: &[Option<i64>],
) -> Result<Vec<i64>, String> {
    if areas_centi_m2.is_empty() {
        return if cost_fen == 0 {
            Ok(Vec::new())
        } else {
            Err("没有可分摊的房屋".into())
        };
    }
    let weights: Vec<i64> = match basis {
        ShareBasis::ByHousehold => vec![1; areas_centi_m2.len()],
        ShareBasis::ByArea => {
            let mut w = Vec::with_capacity(areas_centi_m2.len());
            for a in areas_centi_m2 {
                match a {
                    Some(area) if *area > 0 => w.push(*area),
                    _ => return Err("有房屋缺建筑面积，不能按面积分摊".into()),
                }
            }
            w
        }
    };
    money::apportion(cost_fen, &weights)
}

/// One row of a readings file (房号 or 表号, 本期读数, 抄表日期), as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadingLine {
    /// Row number as in the spreadsheet.
    pub row_no: usize,
    /// The unit code, normalized, when the file has a 房号 column.
    pub unit_code: Option<String>,
    /// The meter number, when the file has a 表号 column.
    pub number: Option<String>,
    /// The reading as typed (checked against the meter later).
    pub value: String,
    /// The date it was read, when given.
    pub read_on: Option<NaiveDate>,
}

const UNIT_HEADERS: &[&str] = &["房号", "房屋", "单元", "房间号", "户号"];
const NUMBER_HEADERS: &[&str] = &["表号", "表编号", "水表号", "电表号", "表具编号"];
const VALUE_HEADERS: &[&str] = &["本期读数", "本月读数", "读数", "本次读数", "抄表读数"];
const DATE_HEADERS: &[&str] = &["抄表日期", "日期", "抄表时间"];

/// Reads a date as written in a spreadsheet: `2026-11-25`, `2026/11/25`, `2026.11.25`,
/// `2026年11月25日`, with or without a time after it.
#[must_use]
pub fn parse_date_text(s: &str) -> Option<NaiveDate> {
    let normal: String = s.chars().map(normalize_char).collect();
    let t = normal.trim();
    let t = t.split_whitespace().next().unwrap_or(t);
    let t = t.replace(['年', '月', '/', '.'], "-").replace('日', "");
    let mut parts = t.split('-');
    let y = parts.next()?.parse::<i32>().ok()?;
    let m = parts.next()?.parse::<u32>().ok()?;
    let d = parts.next()?.parse::<u32>().ok()?;
    NaiveDate::from_ymd_opt(y, m, d)
}

/// One row of a readings file: read, or refused with (row number, reason).
pub type LineResult = Result<ReadingLine, (usize, String)>;

/// The rows of a readings table, each read or refused with its reason (row number,
/// reason). Fails when the header lacks both 房号 and 表号, or 本期读数.
pub fn reading_lines(table: &Table) -> Result<Vec<LineResult>, String> {
    let clean = |h: &str| -> String { h.chars().filter(|c| !c.is_whitespace()).collect() };
    let find = |names: &[&str]| {
        table
            .headers
            .iter()
            .position(|h| names.contains(&clean(h).as_str()))
    };
    let unit_col = find(UNIT_HEADERS);
    let number_col = find(NUMBER_HEADERS);
    let Some(value_col) = find(VALUE_HEADERS) else {
        return Err("表头缺少「本期读数」列".into());
    };
    if unit_col.is_none() && number_col.is_none() {
        return Err("表头缺少「房号」或「表号」列".into());
    }
    let date_col = find(DATE_HEADERS);
    let cell = |row: &TableRow, col: Option<usize>| -> String {
        col.and_then(|c| row.cells.get(c))
            .map(|c| c.trim().to_string())
            .unwrap_or_default()
    };
    let mut out = Vec::new();
    for row in &table.rows {
        if row.cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let unit = cell(row, unit_col);
        let number = cell(row, number_col);
        let value = cell(row, Some(value_col));
        let date = cell(row, date_col);
        let line = (|| {
            if unit.is_empty() && number.is_empty() {
                return Err("缺房号和表号".to_string());
            }
            let unit_code = if unit.is_empty() {
                None
            } else {
                Some(normalize_unit_code(&unit)?)
            };
            let read_on = if date.is_empty() {
                None
            } else {
                Some(parse_date_text(&date).ok_or_else(|| format!("抄表日期「{date}」看不懂"))?)
            };
            if value.is_empty() {
                return Err("缺本期读数".to_string());
            }
            Ok(ReadingLine {
                row_no: row.row_no,
                unit_code,
                number: (!number.is_empty()).then_some(number.clone()),
                value: value.clone(),
                read_on,
            })
        })();
        out.push(line.map_err(|reason| (row.row_no, reason)));
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const PLAIN: MeterSpec = MeterSpec {
        multiplier: 1,
        digits: 4,
    };

    #[test]
    fn readings_as_typed() {
        assert_eq!(parse_reading("1234", 5), Ok(1_234_000));
        assert_eq!(parse_reading(" 1234.5 ", 5), Ok(1_234_500));
        assert_eq!(parse_reading("１２３４．５", 5), Ok(1_234_500));
        assert_eq!(parse_reading("1,234", 5), Ok(1_234_000));
        assert_eq!(parse_reading("00012", 5), Ok(12_000));
        assert_eq!(parse_reading("0", 5), Ok(0));
        assert_eq!(parse_reading("12.50", 5), Ok(12_500));
    }

    #[test]
    fn bad_readings_say_why() {
        assert_eq!(parse_reading("", 5).unwrap_err(), "请填写读数");
        assert_eq!(parse_reading("-3", 5).unwrap_err(), "读数不能为负数");
        assert!(parse_reading("12a", 5).unwrap_err().contains("只能是数字"));
        assert!(parse_reading("一百", 5).unwrap_err().contains("只能是数字"));
        assert!(
            parse_reading("1.2.3", 5)
                .unwrap_err()
                .contains("只能是数字")
        );
        assert!(parse_reading("1.234", 5).unwrap_err().contains("小数"));
        assert_eq!(
            parse_reading("123456", 5).unwrap_err(),
            "读数超过表盘位数（5位），请核对"
        );
        // Leading zeros are not digits of the value.
        assert_eq!(parse_reading("0099999", 5), Ok(99_999_000));
    }

    #[test]
    fn milli_written_back() {
        assert_eq!(format_milli(1_234_500), "1234.5");
        assert_eq!(format_milli(66_000), "66");
        assert_eq!(format_milli(5), "0.005");
        assert_eq!(format_milli(-20_000), "-20");
    }

    #[test]
    fn plain_usage_and_multiplier() {
        assert_eq!(step_usage(1_234_000, 1_300_000, false, PLAIN), Ok(66_000));
        let ct = MeterSpec {
            multiplier: 40,
            digits: 5,
        };
        // 12.5 on the dial × 40 = 500 kWh.
        assert_eq!(step_usage(100_000, 112_500, false, ct), Ok(500_000));
        assert_eq!(step_usage(5_000, 5_000, false, PLAIN), Ok(0));
    }

    #[test]
    fn rollover_counts_past_the_top_of_the_dial() {
        // A 4-digit dial: 9,990 → 0,015 is 25 units.
        assert_eq!(step_usage(9_990_000, 15_000, true, PLAIN), Ok(25_000));
        // Not confirmed: asked, not guessed.
        assert_eq!(
            step_usage(9_990_000, 15_000, false, PLAIN),
            Err(UsageError::Lower {
                last_milli: 9_990_000
            })
        );
        // A rollover that is not one.
        assert_eq!(
            step_usage(100_000, 200_000, true, PLAIN),
            Err(UsageError::NotRolledOver)
        );
        let ct = MeterSpec {
            multiplier: 10,
            digits: 3,
        };
        assert_eq!(step_usage(998_000, 2_000, true, ct), Ok(40_000));
        assert!(
            UsageError::Lower {
                last_milli: 9_990_000
            }
            .to_string()
            .contains("9990")
        );
    }

    #[test]
    fn replacement_mid_month_adds_both_meters() {
        // Old meter: last 1,200, final 1,230 (×1); new meter from 0 to 18 (×1): 48.
        assert_eq!(
            replacement_usage(1_200_000, 1_230_000, PLAIN, 0, 18_000, false, PLAIN),
            Ok(48_000)
        );
        // Each part with its own multiplier: (530 − 500) × 20 + (7 − 2) × 40 = 800.
        let old = MeterSpec {
            multiplier: 20,
            digits: 5,
        };
        let new = MeterSpec {
            multiplier: 40,
            digits: 6,
        };
        assert_eq!(
            replacement_usage(500_000, 530_000, old, 2_000, 7_000, false, new),
            Ok(800_000)
        );
        // A final reading below the last one is refused, not turned into a huge usage.
        assert!(replacement_usage(1_200_000, 1_100_000, PLAIN, 0, 1_000, false, PLAIN).is_err());
    }

    #[test]
    fn three_times_the_recent_average_is_flagged() {
        let avg = recent_average(&[10_000, 12_000, 11_000]);
        assert_eq!(avg, Some(11_000));
        assert_eq!(reading_flags(33_000, avg, true), vec![]);
        assert_eq!(
            reading_flags(33_001, avg, true),
            vec![ReadingFlag::High {
                average_milli: 11_000
            }]
        );
        // Only the last six months count.
        assert_eq!(
            recent_average(&[1_000_000, 6_000, 6_000, 6_000, 6_000, 6_000, 6_000]),
            Some(6_000)
        );
        assert_eq!(recent_average(&[]), None);
        // No history, no judgement.
        assert_eq!(reading_flags(500_000, None, true), vec![]);
        // Too little to judge: 1 吨 against an average of 0.3.
        assert_eq!(reading_flags(1_000, Some(300), false), vec![]);
        assert_eq!(
            reading_flags(5_001, Some(300), false),
            vec![ReadingFlag::High { average_milli: 300 }]
        );
        assert!(
            ReadingFlag::High {
                average_milli: 11_000
            }
            .reason()
            .contains("3倍")
        );
    }

    #[test]
    fn zero_in_an_occupied_unit_is_flagged() {
        assert_eq!(
            reading_flags(0, Some(10_000), true),
            vec![ReadingFlag::ZeroOccupied]
        );
        assert_eq!(reading_flags(0, Some(10_000), false), vec![]);
    }

    #[test]
    fn sharing_by_area_is_exact() {
        // 100.00 元 over 89.50, 120.00 and 60.25 m²: the parts add up to the fen.
        let shares = share_cost(
            10_000,
            ShareBasis::ByArea,
            &[Some(8_950), Some(12_000), Some(6_025)],
        )
        .unwrap();
        assert_eq!(shares.iter().sum::<i64>(), 10_000);
        assert_eq!(shares, vec![3_318, 4_449, 2_233]);
        assert!(
            share_cost(10_000, ShareBasis::ByArea, &[Some(8_950), None])
                .unwrap_err()
                .contains("缺建筑面积")
        );
    }

    #[test]
    fn sharing_by_household_gives_the_remainder_to_the_first() {
        // 100.00 元 over 3 households: 33.34 + 33.33 + 33.33.
        let shares = share_cost(10_000, ShareBasis::ByHousehold, &[None, None, None]).unwrap();
        assert_eq!(shares, vec![3_334, 3_333, 3_333]);
        assert!(share_cost(10_000, ShareBasis::ByHousehold, &[]).is_err());
        assert_eq!(share_cost(0, ShareBasis::ByHousehold, &[]), Ok(vec![]));
    }

    fn table(headers: &[&str], rows: &[&[&str]]) -> Table {
        Table::from_cells(headers, rows)
    }

    #[test]
    fn reading_files_by_unit_or_number() {
        let t = table(
            &["房号", "本期读数", "抄表日期"],
            &[
                &["3栋2单元1502", "1300", "2026/11/25"],
                &["", "", ""],
                &["3栋2单元1503", "", "2026-11-25"],
                &["3栋2单元1504", "88", "明天"],
            ],
        );
        let lines = reading_lines(&t).unwrap();
        assert_eq!(lines.len(), 3, "the empty row is skipped");
        let first = lines[0].as_ref().unwrap();
        assert_eq!(first.unit_code.as_deref(), Some("3栋2单元1502"));
        assert_eq!(first.read_on, NaiveDate::from_ymd_opt(2026, 11, 25));
        assert_eq!(lines[1], Err((4, "缺本期读数".to_string())));
        assert!(lines[2].as_ref().unwrap_err().1.contains("看不懂"));

        let by_number = table(&["表号", "读数"], &[&["SB-0001", "12.5"]]);
        let line = reading_lines(&by_number).unwrap().remove(0).unwrap();
        assert_eq!(line.number.as_deref(), Some("SB-0001"));
        assert_eq!(line.read_on, None);

        assert!(
            reading_lines(&table(&["房号", "备注"], &[]))
                .unwrap_err()
                .contains("本期读数")
        );
        assert!(
            reading_lines(&table(&["姓名", "读数"], &[]))
                .unwrap_err()
                .contains("房号")
        );
    }

    #[test]
    fn dates_as_spreadsheets_write_them() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 5);
        assert_eq!(parse_date_text("2026-11-05"), d);
        assert_eq!(parse_date_text("2026/11/5"), d);
        assert_eq!(parse_date_text("2026年11月5日"), d);
        assert_eq!(parse_date_text("2026-11-05 08:30:00"), d);
        assert_eq!(parse_date_text("2026-13-05"), None);
        assert_eq!(parse_date_text("昨天"), None);
    }
}
