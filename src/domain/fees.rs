//! Fee formulas (收费) and billing periods (账期).
//!
//! Every formula works in exact integers (`i128` inside) and rounds once, at the end of the
//! line, with [`money::round_div`] — the one rounding rule of the program. Amounts are fen,
//! prices are 1/10000 yuan, areas are 1/100 m², meter usage is 1/1000 of a unit.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::money;

/// Amount in fen of `quantity / quantity_scale` units at `price_4dp` (1/10000 yuan) each,
/// rounded once by [`money::round_div`].
///
/// Example: 89.50 m² for 3 months at 2.35 元/m²/month is
/// `quantity_times_price(8950 * 3, 100, 23500)` = 630.975 元 → `63098` fen.
/// Computed in `i128`, so no intermediate overflow; a zero scale gives 0.
pub fn quantity_times_price(quantity: i64, quantity_scale: i64, price_4dp: i64) -> i64 {
    // fen = quantity / scale × price / 10000 × 100
    money::round_div(
        i128::from(quantity) * i128::from(price_4dp),
        i128::from(quantity_scale) * 100,
    )
}

/// Property fee (物业费) in fen: area × price per m² per month × months.
///
/// `area_centi_m2` is the floor area in 1/100 m², `price_4dp_per_m2_month` the price in
/// 1/10000 yuan. Rounded once at the end: 89.50 m² × 2.35 × 3 → `63098`.
pub fn property_fee(area_centi_m2: i64, price_4dp_per_m2_month: i64, months: i64) -> i64 {
    // fen = area / 100 × months × price / 10000 × 100
    money::round_div(
        i128::from(area_centi_m2) * i128::from(months) * i128::from(price_4dp_per_m2_month),
        10_000,
    )
}

/// Metered fee (water, electricity) in fen for `usage_milli` thousandths of a unit
/// (kWh, m³) at `price_4dp` per unit: 12.500 kWh at 0.6083 → 7.60375 元 → `760`.
pub fn metered_fee(usage_milli: i64, price_4dp: i64) -> i64 {
    quantity_times_price(usage_milli, 1000, price_4dp)
}

/// The discount in fen on `amount` for a discount of `percent_off_bp` basis points
/// (3000 bp = 30% off, e.g. the vacant-unit discount), rounded once.
///
/// The rate is held within 0..=10000 bp, so for a non-negative amount the discount is
/// never negative and never more than the amount.
pub fn discount(amount: i64, percent_off_bp: i64) -> i64 {
    let bp = percent_off_bp.clamp(0, 10_000);
    money::round_div(i128::from(amount) * i128::from(bp), 10_000)
}

/// Late fee (滞纳金) in fen: principal × rate per day × days, rounded once, then capped.
///
/// `rate_per_day_per_10000` is the daily rate in 1/10000 (万分之五 = `5`). `cap_fen`, when
/// given, is the most that may be charged (often the principal itself); a negative cap counts
/// as 0. No late fee when `days <= 0`, the principal is not positive or the rate is not
/// positive.
pub fn late_fee(
    principal: i64,
    rate_per_day_per_10000: i64,
    days: i64,
    cap_fen: Option<i64>,
) -> i64 {
    if days <= 0 || principal <= 0 || rate_per_day_per_10000 <= 0 {
        return 0;
    }
    let fee = money::round_div(
        i128::from(principal) * i128::from(rate_per_day_per_10000) * i128::from(days),
        10_000,
    );
    match cap_fen {
        Some(cap) => fee.min(cap.max(0)),
        None => fee,
    }
}

/// Splits a period's `amount` over parts of it in proportion to `days` (e.g. the old owner
/// 20 days and the new owner 11 days of a 31-day month), exactly: the parts add up to
/// `amount`, by the largest-remainder method of [`money::apportion`].
///
/// Errors (Chinese, for the form): a negative day count, or no days at all while the
/// amount is not zero.
pub fn prorate(amount: i64, days: &[i64]) -> Result<Vec<i64>, String> {
    if days.iter().any(|&d| d < 0) {
        return Err("天数不能为负数".to_string());
    }
    if amount != 0 && days.iter().all(|&d| d == 0) {
        return Err("天数合计为零，无法分摊".to_string());
    }
    money::apportion(amount, days)
}

/// A worked example in Chinese, shown next to the late-fee setting, using a debt of
/// 1,000.00 元 overdue 30 days:
/// `例：欠费 1,000.00 元，逾期 30 天，滞纳金 = 1,000.00 × 万分之5 × 30 = 15.00 元（最多不超过欠费的100%）`.
///
/// `cap_percent` is the cap as a percentage of the debt; when the cap bites, the example
/// says so and shows the capped amount. A rate of zero or less reads `不收滞纳金`.
pub fn late_fee_example(rate_per_day_per_10000: i64, cap_percent: Option<i64>) -> String {
    const PRINCIPAL: i64 = 100_000;
    const DAYS: i64 = 30;
    if rate_per_day_per_10000 <= 0 {
        return "不收滞纳金".to_string();
    }
    let uncapped = late_fee(PRINCIPAL, rate_per_day_per_10000, DAYS, None);
    let mut text = format!(
        "例：欠费 {p} 元，逾期 {DAYS} 天，滞纳金 = {p} × 万分之{rate_per_day_per_10000} × {DAYS} = {f} 元",
        p = money::yuan(PRINCIPAL),
        f = money::yuan(uncapped),
    );
    if let Some(percent) = cap_percent {
        let cap = money::round_div(i128::from(PRINCIPAL) * i128::from(percent.max(0)), 100);
        if uncapped > cap {
            text.push_str(&format!("，超过上限，按 {} 元收取", money::yuan(cap)));
        }
        text.push_str(&format!("（最多不超过欠费的{}%）", percent.max(0)));
    }
    text
}

/// Earliest year a [`Period`] can have.
const MIN_YEAR: i32 = 1;
/// Latest year a [`Period`] can have (years are written with four digits).
const MAX_YEAR: i32 = 9999;

/// A billing period (账期): one calendar month (`2026-11`) or one quarter (`2026Q4`).
///
/// Years run from 1 to 9999. Ordered chronologically by start; a month sorts before the
/// quarter that starts with it (`2026-10` < `2026Q4` < `2026-11`). Serialized as its
/// text form (`"2026-11"`, `"2026Q4"`), which is checked when read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    /// Calendar year, `MIN_YEAR..=MAX_YEAR`.
    year: i32,
    /// First month covered, 1..=12 (1, 4, 7 or 10 for a quarter).
    start_month: u32,
    /// Whether this is a quarter (three months) rather than one month.
    quarter: bool,
}

impl Period {
    /// The month `year`-`month`; the error is a Chinese sentence when out of range.
    pub fn month(year: i32, month: u32) -> Result<Period, String> {
        check_year(year)?;
        if !(1..=12).contains(&month) {
            return Err("月份应在1到12之间".to_string());
        }
        Ok(Period {
            year,
            start_month: month,
            quarter: false,
        })
    }

    /// The quarter `year` Q`quarter` (1..=4); the error is a Chinese sentence when out of
    /// range.
    pub fn quarter(year: i32, quarter: u32) -> Result<Period, String> {
        check_year(year)?;
        if !(1..=4).contains(&quarter) {
            return Err("季度应在1到4之间".to_string());
        }
        Ok(Period {
            year,
            start_month: quarter * 3 - 2,
            quarter: true,
        })
    }

    /// The month containing `date` (a date outside years 1–9999 is clamped to that range).
    pub fn month_of(date: NaiveDate) -> Period {
        let (year, month) = clamp_year_month(date);
        Period {
            year,
            start_month: month,
            quarter: false,
        }
    }

    /// The quarter containing `date` (a date outside years 1–9999 is clamped to that range).
    pub fn quarter_of(date: NaiveDate) -> Period {
        let (year, month) = clamp_year_month(date);
        Period {
            year,
            start_month: (month - 1) / 3 * 3 + 1,
            quarter: true,
        }
    }

    /// Parses a month as typed (the forms of [`Period::parse`]); a quarter is refused with
    /// a Chinese sentence, for screens that work by the month (抄表, 月末归档).
    pub fn parse_month(s: &str) -> Result<Period, String> {
        match Self::parse(s)? {
            p if p.is_quarter() => Err("这里按月办理，请写成 2026-11 这样的月份".into()),
            p => Ok(p),
        }
    }

    /// Parses a period as typed: `2026-11`, `2026/11`, `2026年11月`, `2026Q4`, `2026-Q4`,
    /// `2026q4`, `2026年第4季度`, `2026年第四季度`; full-width digits and surrounding spaces
    /// are fine. The error is a short Chinese sentence for the form.
    pub fn parse(s: &str) -> Result<Period, String> {
        let normal: String = s
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_digit(c as u32 - '０' as u32, 10).unwrap_or(c),
                'ｑ' | 'Ｑ' | 'q' => 'Q',
                '－' | '／' => '-',
                '/' | '.' => '-',
                _ => c,
            })
            .collect();
        let t = normal.trim();
        if t.is_empty() {
            return Err("请填写账期".to_string());
        }
        const FORMAT: &str = "账期格式应为 2026-11 或 2026Q4";
        let (year_text, rest) = if let Some((y, r)) = t.split_once('年') {
            (y.trim(), r.trim())
        } else if let Some(at) = t.find('Q') {
            let (y, r) = t.split_at(at);
            (y.trim().trim_end_matches('-').trim_end(), r)
        } else if let Some((y, r)) = t.split_once('-') {
            (y.trim(), r.trim())
        } else {
            return Err(FORMAT.to_string());
        };
        let year = parse_year(year_text)?;
        // Quarter: "Q4", "第4季度", "4季度", "第四季度".
        let quarter_text = if let Some(q) = rest.strip_prefix('Q') {
            Some(q.trim())
        } else {
            rest.strip_suffix("季度")
                .map(|q| q.trim().strip_prefix('第').unwrap_or(q).trim())
        };
        if let Some(q) = quarter_text {
            let quarter = match q {
                "1" | "一" => 1,
                "2" | "二" => 2,
                "3" | "三" => 3,
                "4" | "四" => 4,
                _ if !q.is_empty() && q.chars().all(|c| c.is_ascii_digit()) => {
                    return Err("季度应在1到4之间".to_string());
                }
                _ => return Err(FORMAT.to_string()),
            };
            return Period::quarter(year, quarter);
        }
        let month_text = rest.strip_suffix('月').unwrap_or(rest).trim();
        if month_text.is_empty()
            || month_text.len() > 2
            || !month_text.chars().all(|c| c.is_ascii_digit())
        {
            return Err(FORMAT.to_string());
        }
        let month = month_text.parse::<u32>().map_err(|_| FORMAT.to_string())?;
        Period::month(year, month)
    }

    /// Calendar year of the period.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// First month covered, 1..=12.
    pub fn start_month(&self) -> u32 {
        self.start_month
    }

    /// Whether the period is a quarter (otherwise one month).
    pub fn is_quarter(&self) -> bool {
        self.quarter
    }

    /// Number of months covered: 1 for a month, 3 for a quarter.
    pub fn months(&self) -> i64 {
        if self.quarter { 3 } else { 1 }
    }

    /// Last month covered, 1..=12.
    fn end_month(&self) -> u32 {
        if self.quarter {
            self.start_month + 2
        } else {
            self.start_month
        }
    }

    /// First day of the period.
    pub fn first_day(&self) -> NaiveDate {
        // Always valid: the year is within 1..=9999 and the month within 1..=12.
        NaiveDate::from_ymd_opt(self.year, self.start_month, 1).unwrap_or_default()
    }

    /// Last day of the period (leap years included: `2024-02` ends on the 29th).
    pub fn last_day(&self) -> NaiveDate {
        let month = self.end_month();
        // Always valid: the year is within 1..=9999 and the day is the month's length.
        NaiveDate::from_ymd_opt(self.year, month, days_in_month(self.year, month))
            .unwrap_or_default()
    }

    /// Number of days in the period (e.g. 31 for `2026-10`, 92 for `2026Q4`).
    pub fn days(&self) -> i64 {
        (self.last_day() - self.first_day()).num_days() + 1
    }

    /// Whether `date` falls within the period (both ends included).
    pub fn contains(&self, date: NaiveDate) -> bool {
        date.year() == self.year && (self.start_month..=self.end_month()).contains(&date.month())
    }

    /// The following period of the same kind (`2026-12` → `2027-01`, `2026Q4` → `2027Q1`).
    /// The last period of year 9999 is its own successor.
    pub fn next(&self) -> Period {
        let month = self.end_month() + 1;
        if month <= 12 {
            Period {
                start_month: month,
                ..*self
            }
        } else if self.year < MAX_YEAR {
            Period {
                year: self.year + 1,
                start_month: 1,
                ..*self
            }
        } else {
            *self
        }
    }

    /// The preceding period of the same kind (`2026-01` → `2025-12`, `2026Q1` → `2025Q4`).
    /// The first period of year 1 is its own predecessor.
    pub fn previous(&self) -> Period {
        let step = self.months() as u32;
        if self.start_month > step {
            Period {
                start_month: self.start_month - step,
                ..*self
            }
        } else if self.year > MIN_YEAR {
            Period {
                year: self.year - 1,
                start_month: 13 - step,
                ..*self
            }
        } else {
            *self
        }
    }

    /// The months the period covers, in order (one for a month, three for a quarter).
    pub fn months_iter(&self) -> impl Iterator<Item = Period> + use<> {
        let year = self.year;
        (self.start_month..=self.end_month()).map(move |month| Period {
            year,
            start_month: month,
            quarter: false,
        })
    }

    /// Chinese label for screens and notices: `2026年11月` or `2026年第4季度`.
    pub fn label(&self) -> String {
        if self.quarter {
            format!("{}年第{}季度", self.year, self.start_month.div_ceil(3))
        } else {
            format!("{}年{}月", self.year, self.start_month)
        }
    }
}

impl fmt::Display for Period {
    /// The stored text form: `2026-11` or `2026Q4`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.quarter {
            write!(f, "{:04}Q{}", self.year, self.start_month.div_ceil(3))
        } else {
            write!(f, "{:04}-{:02}", self.year, self.start_month)
        }
    }
}

impl FromStr for Period {
    type Err = String;

    /// Same as [`Period::parse`].
    fn from_str(s: &str) -> Result<Period, String> {
        Period::parse(s)
    }
}

impl TryFrom<String> for Period {
    type Error = String;

    /// Same as [`Period::parse`]; used when deserializing.
    fn try_from(s: String) -> Result<Period, String> {
        Period::parse(&s)
    }
}

impl From<Period> for String {
    /// The text form, as [`Period`]'s `Display`; used when serializing.
    fn from(p: Period) -> String {
        p.to_string()
    }
}

/// Checks a period's year is within the supported range.
fn check_year(year: i32) -> Result<(), String> {
    if (MIN_YEAR..=MAX_YEAR).contains(&year) {
        Ok(())
    } else {
        Err("年份不对，请核对".to_string())
    }
}

/// Parses a four-digit year.
fn parse_year(s: &str) -> Result<i32, String> {
    if s.len() != 4 || !s.chars().all(|c| c.is_ascii_digit()) {
        return Err("年份应为四位数字，如 2026".to_string());
    }
    let year = s
        .parse::<i32>()
        .map_err(|_| "年份应为四位数字，如 2026".to_string())?;
    check_year(year)?;
    Ok(year)
}

/// Year and month of `date`, clamped to the supported years.
fn clamp_year_month(date: NaiveDate) -> (i32, u32) {
    if date.year() < MIN_YEAR {
        (MIN_YEAR, 1)
    } else if date.year() > MAX_YEAR {
        (MAX_YEAR, 12)
    } else {
        (date.year(), date.month())
    }
}

/// Number of days in a month of the proleptic Gregorian calendar.
fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 => {
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
            if leap { 29 } else { 28 }
        }
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn p(s: &str) -> Period {
        Period::parse(s).unwrap()
    }

    #[test]
    fn quantity_times_price_rounds_once() {
        // 89.5 × 3 × 2.35 = 630.975 → 630.98
        assert_eq!(quantity_times_price(8950 * 3, 100, 23_500), 63_098);
        // Rounding per month first would give 3 × 210.33 = 630.99: we round once.
        assert_eq!(quantity_times_price(8950, 100, 23_500), 21_033);
        assert_eq!(quantity_times_price(1, 1, 1), 0); // 0.0001 元 → 0.01 fen → 0
        assert_eq!(quantity_times_price(1, 1, 50), 1); // 0.005 元 → half up → 1 fen
        assert_eq!(quantity_times_price(1, 1, 49), 0);
        assert_eq!(quantity_times_price(-1, 1, 50), -1); // half away from zero
        assert_eq!(quantity_times_price(5, 0, 10_000), 0);
        assert_eq!(quantity_times_price(0, 100, 23_500), 0);
        // No overflow: 10^12 units at 99,999.9999 元.
        assert_eq!(
            quantity_times_price(1_000_000_000_000, 1, 999_999_999),
            i64::MAX
        );
        assert_eq!(
            quantity_times_price(1_000_000, 1, 999_999_999),
            9_999_999_990_000
        );
    }

    #[test]
    fn property_fee_examples() {
        assert_eq!(property_fee(8950, 23_500, 3), 63_098);
        assert_eq!(property_fee(8950, 23_500, 1), 21_033); // 210.325 → 210.33
        assert_eq!(property_fee(12_030, 18_000, 12), 259_848); // 120.3 × 1.8 × 12
        assert_eq!(property_fee(10_000, 6083, 1), 6083); // 100 × 0.6083
        assert_eq!(property_fee(8950, 23_500, 0), 0);
        assert_eq!(property_fee(0, 23_500, 3), 0);
        // Largest area and price for 100 years: no overflow, exact.
        assert_eq!(
            property_fee(9_999_999, 999_999_999, 1200),
            1_199_999_878_800_000
        );
    }

    #[test]
    fn a_month_only_screen_refuses_a_quarter() {
        assert_eq!(Period::parse_month("2026年11月"), Period::month(2026, 11));
        assert!(Period::parse_month("2026Q4").unwrap_err().contains("按月"));
        assert!(Period::parse_month("十一月").is_err());
    }

    #[test]
    fn metered_fee_examples() {
        assert_eq!(metered_fee(12_500, 6083), 760); // 7.60375
        assert_eq!(metered_fee(100_000, 6083), 6083); // 100 kWh
        assert_eq!(metered_fee(3_000, 35_000), 1050); // 3 m³ × 3.50
        assert_eq!(metered_fee(1, 50_000), 1); // 0.001 × 5 = 0.005 → 0.01
        assert_eq!(metered_fee(0, 6083), 0);
    }

    #[test]
    fn formulas_agree_with_each_other() {
        let mut x: u64 = 12_345;
        let mut next = |n: u64| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((x >> 16) % n) as i64
        };
        for _ in 0..2000 {
            let area = next(5_000_000);
            let price = next(1_000_000);
            let months = next(24);
            assert_eq!(
                property_fee(area, price, months),
                quantity_times_price(area * months, 100, price)
            );
            let usage = next(100_000_000);
            assert_eq!(
                metered_fee(usage, price),
                quantity_times_price(usage, 1000, price)
            );
            let amount = next(10_000_000);
            let bp = next(12_000) - 1000;
            let d = discount(amount, bp);
            assert!((0..=amount).contains(&d), "{amount} {bp} → {d}");
        }
    }

    #[test]
    fn discount_examples() {
        assert_eq!(discount(63_098, 3000), 18_929); // 189.294
        assert_eq!(discount(5, 5000), 3); // 2.5 fen → 3
        assert_eq!(discount(10_000, 10_000), 10_000);
        assert_eq!(discount(10_000, 15_000), 10_000);
        assert_eq!(discount(10_000, -100), 0);
        assert_eq!(discount(10_000, 0), 0);
        assert_eq!(discount(0, 3000), 0);
        assert_eq!(discount(-1000, 3000), -300);
    }

    #[test]
    fn late_fee_examples() {
        assert_eq!(late_fee(100_000, 5, 30, None), 1500);
        assert_eq!(late_fee(100_000, 5, 30, Some(1000)), 1000);
        assert_eq!(late_fee(100_000, 5, 30, Some(100_000)), 1500);
        assert_eq!(late_fee(100_000, 5, 10_000, Some(100_000)), 100_000);
        assert_eq!(late_fee(100_000, 5, 10_000, None), 500_000);
        assert_eq!(late_fee(12_345, 5, 7, None), 43); // 43.2075
        assert_eq!(late_fee(1000, 5, 1, None), 1); // 0.5 → 1
        assert_eq!(late_fee(999, 5, 1, None), 0); // 0.4995 → 0
        assert_eq!(late_fee(100_000, 5, 0, None), 0);
        assert_eq!(late_fee(100_000, 5, -3, None), 0);
        assert_eq!(late_fee(-100_000, 5, 30, None), 0);
        assert_eq!(late_fee(100_000, 0, 30, None), 0);
        assert_eq!(late_fee(100_000, 5, 30, Some(-5)), 0);
    }

    #[test]
    fn prorate_examples() {
        // Old owner 20 days, new owner 11 days of a 31-day month.
        assert_eq!(prorate(3100, &[20, 11]), Ok(vec![2000, 1100]));
        assert_eq!(prorate(10_000, &[20, 11]), Ok(vec![6452, 3548]));
        assert_eq!(prorate(21_033, &[10, 10, 11]), Ok(vec![6785, 6785, 7463]));
        assert_eq!(prorate(-10_000, &[20, 11]), Ok(vec![-6452, -3548]));
        assert_eq!(prorate(10_000, &[31, 0]), Ok(vec![10_000, 0]));
        assert_eq!(prorate(0, &[0, 0]), Ok(vec![0, 0]));
        assert_eq!(
            prorate(10_000, &[0, 0]),
            Err("天数合计为零，无法分摊".to_string())
        );
        assert_eq!(
            prorate(10_000, &[]),
            Err("天数合计为零，无法分摊".to_string())
        );
        assert_eq!(
            prorate(10_000, &[40, -9]),
            Err("天数不能为负数".to_string())
        );
        for total in [1, 2, 3, 99, 63_098, 1_000_001] {
            for split in 0..=31 {
                let shares = prorate(total, &[split, 31 - split]).unwrap();
                assert_eq!(shares.iter().sum::<i64>(), total);
            }
        }
    }

    #[test]
    fn late_fee_example_texts() {
        assert_eq!(
            late_fee_example(5, Some(100)),
            "例：欠费 1,000.00 元，逾期 30 天，滞纳金 = 1,000.00 × 万分之5 × 30 = 15.00 元（最多不超过欠费的100%）"
        );
        assert_eq!(
            late_fee_example(5, None),
            "例：欠费 1,000.00 元，逾期 30 天，滞纳金 = 1,000.00 × 万分之5 × 30 = 15.00 元"
        );
        assert_eq!(
            late_fee_example(50, Some(10)),
            "例：欠费 1,000.00 元，逾期 30 天，滞纳金 = 1,000.00 × 万分之50 × 30 = 150.00 元，超过上限，按 100.00 元收取（最多不超过欠费的10%）"
        );
        assert_eq!(late_fee_example(0, Some(100)), "不收滞纳金");
    }

    #[test]
    fn period_parse_forms() {
        let nov = Period::month(2026, 11).unwrap();
        let q4 = Period::quarter(2026, 4).unwrap();
        for s in [
            "2026-11",
            " 2026-11 ",
            "2026/11",
            "2026.11",
            "２０２６－１１",
            "2026年11月",
            "2026年 11 月",
            "2026年11",
        ] {
            assert_eq!(Period::parse(s), Ok(nov), "{s:?}");
        }
        assert_eq!(p("2026-1"), Period::month(2026, 1).unwrap());
        assert_eq!(p("2026年1月"), Period::month(2026, 1).unwrap());
        for s in [
            "2026Q4",
            "2026q4",
            "2026-Q4",
            "2026 Q4",
            "2026年第4季度",
            "2026年4季度",
            "2026年第四季度",
            "2026年Q4",
            "２０２６Ｑ４",
        ] {
            assert_eq!(Period::parse(s), Ok(q4), "{s:?}");
        }
        assert_eq!(p("2027Q1").start_month(), 1);
        assert_eq!(p("2027年第二季度").start_month(), 4);
    }

    #[test]
    fn period_parse_errors() {
        let format = Err("账期格式应为 2026-11 或 2026Q4".to_string());
        assert_eq!(Period::parse(""), Err("请填写账期".to_string()));
        assert_eq!(Period::parse("  "), Err("请填写账期".to_string()));
        assert_eq!(Period::parse("202611"), format);
        assert_eq!(Period::parse("2026-"), format);
        assert_eq!(Period::parse("2026-1a"), format);
        assert_eq!(Period::parse("2026-011"), format);
        assert_eq!(Period::parse("2026Q"), format);
        assert_eq!(Period::parse("2026年第五季度"), format);
        assert_eq!(Period::parse("2026-11-05"), format);
        assert_eq!(
            Period::parse("2026-13"),
            Err("月份应在1到12之间".to_string())
        );
        assert_eq!(
            Period::parse("2026-0"),
            Err("月份应在1到12之间".to_string())
        );
        assert_eq!(Period::parse("2026Q5"), Err("季度应在1到4之间".to_string()));
        assert_eq!(Period::parse("2026Q0"), Err("季度应在1到4之间".to_string()));
        assert_eq!(
            Period::parse("26-11"),
            Err("年份应为四位数字，如 2026".to_string())
        );
        assert_eq!(
            Period::parse("0000-11"),
            Err("年份不对，请核对".to_string())
        );
        assert_eq!(
            Period::month(10_000, 1),
            Err("年份不对，请核对".to_string())
        );
    }

    #[test]
    fn period_display_and_label() {
        assert_eq!(p("2026年11月").to_string(), "2026-11");
        assert_eq!(p("2026-3").to_string(), "2026-03");
        assert_eq!(p("2026年第4季度").to_string(), "2026Q4");
        assert_eq!(p("2026-11").label(), "2026年11月");
        assert_eq!(p("2026-03").label(), "2026年3月");
        assert_eq!(p("2026Q4").label(), "2026年第4季度");
        assert_eq!(p("0001-01").to_string(), "0001-01");
        for s in [
            "2026-01", "2026-12", "2026Q1", "2026Q4", "9999Q4", "1000-10",
        ] {
            assert_eq!(p(s).to_string(), s);
            assert_eq!(p(&p(s).label()), p(s));
            assert_eq!(s.parse::<Period>(), Ok(p(s)));
        }
    }

    #[test]
    fn period_days_and_contains() {
        assert_eq!(p("2026-11").first_day(), date(2026, 11, 1));
        assert_eq!(p("2026-11").last_day(), date(2026, 11, 30));
        assert_eq!(p("2026-12").last_day(), date(2026, 12, 31));
        assert_eq!(p("2024-02").last_day(), date(2024, 2, 29));
        assert_eq!(p("2026-02").last_day(), date(2026, 2, 28));
        assert_eq!(p("2000-02").last_day(), date(2000, 2, 29));
        assert_eq!(p("2100-02").last_day(), date(2100, 2, 28));
        assert_eq!(p("2026Q4").first_day(), date(2026, 10, 1));
        assert_eq!(p("2026Q4").last_day(), date(2026, 12, 31));
        assert_eq!(p("2026Q1").last_day(), date(2026, 3, 31));
        assert_eq!(p("2026Q2").last_day(), date(2026, 6, 30));
        assert_eq!(p("2026Q3").first_day(), date(2026, 7, 1));
        assert_eq!(p("9999Q4").last_day(), date(9999, 12, 31));
        assert_eq!(p("2026Q4").days(), 92);
        assert_eq!(p("2024Q1").days(), 91);
        assert_eq!(p("2026-02").days(), 28);
        assert_eq!(p("2026-11").months(), 1);
        assert_eq!(p("2026Q4").months(), 3);
        let q4 = p("2026Q4");
        assert!(q4.contains(date(2026, 10, 1)));
        assert!(q4.contains(date(2026, 11, 15)));
        assert!(q4.contains(date(2026, 12, 31)));
        assert!(!q4.contains(date(2026, 9, 30)));
        assert!(!q4.contains(date(2027, 1, 1)));
        assert!(!q4.contains(date(2025, 11, 15)));
        assert!(p("2026-11").contains(date(2026, 11, 30)));
        assert!(!p("2026-11").contains(date(2026, 12, 1)));
        assert_eq!(Period::month_of(date(2026, 11, 15)), p("2026-11"));
        assert_eq!(Period::quarter_of(date(2026, 11, 15)), q4);
        assert_eq!(Period::quarter_of(date(2026, 1, 1)), p("2026Q1"));
        assert_eq!(Period::quarter_of(date(2026, 6, 30)), p("2026Q2"));
        assert_eq!(Period::month_of(date(-5, 3, 1)), p("0001-01"));
        assert_eq!(Period::quarter_of(date(12_000, 3, 1)), p("9999Q4"));
    }

    #[test]
    fn period_next_previous_roll_over() {
        assert_eq!(p("2026-11").next(), p("2026-12"));
        assert_eq!(p("2026-12").next(), p("2027-01"));
        assert_eq!(p("2026-01").previous(), p("2025-12"));
        assert_eq!(p("2026-05").previous(), p("2026-04"));
        assert_eq!(p("2026Q3").next(), p("2026Q4"));
        assert_eq!(p("2026Q4").next(), p("2027Q1"));
        assert_eq!(p("2026Q1").previous(), p("2025Q4"));
        assert_eq!(p("2026Q2").previous(), p("2026Q1"));
        assert_eq!(p("9999-12").next(), p("9999-12"));
        assert_eq!(p("0001Q1").previous(), p("0001Q1"));
        // Walking a few years forward and back returns to the start, covering every day.
        for start in ["2023-01", "2023Q1"] {
            let mut period = p(start);
            for _ in 0..40 {
                let next = period.next();
                assert!(next > period);
                assert_eq!(next.previous(), period);
                assert_eq!(next.first_day(), period.last_day().succ_opt().unwrap());
                assert!(period.contains(period.last_day()));
                assert!(!period.contains(next.first_day()));
                period = next;
            }
        }
    }

    #[test]
    fn period_months_iter_and_order() {
        let months: Vec<String> = p("2026Q4").months_iter().map(|m| m.to_string()).collect();
        assert_eq!(months, ["2026-10", "2026-11", "2026-12"]);
        let months: Vec<Period> = p("2026-02").months_iter().collect();
        assert_eq!(months, [p("2026-02")]);
        let mut list = [
            p("2027-01"),
            p("2026-11"),
            p("2026Q4"),
            p("2026-10"),
            p("2025Q4"),
            p("2026-12"),
            p("2027Q1"),
        ];
        list.sort();
        let texts: Vec<String> = list.iter().map(|m| m.to_string()).collect();
        assert_eq!(
            texts,
            [
                "2025Q4", "2026-10", "2026Q4", "2026-11", "2026-12", "2027-01", "2027Q1"
            ]
        );
        assert!(p("2025-12") < p("2026-01"));
        assert!(p("2026-09") < p("2026Q4"));
    }

    #[test]
    fn period_serde_uses_text_form() {
        assert_eq!(serde_json::to_string(&p("2026-11")).unwrap(), "\"2026-11\"");
        assert_eq!(serde_json::to_string(&p("2026Q4")).unwrap(), "\"2026Q4\"");
        let back: Period = serde_json::from_str("\"2026Q4\"").unwrap();
        assert_eq!(back, p("2026Q4"));
        let list: Vec<Period> = serde_json::from_str("[\"2026-01\",\"2026年第2季度\"]").unwrap();
        assert_eq!(list, [p("2026-01"), p("2026Q2")]);
        assert!(serde_json::from_str::<Period>("\"2026-13\"").is_err());
        assert!(serde_json::from_str::<Period>("{\"year\":2026}").is_err());
    }
}
