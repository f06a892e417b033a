//! Money as integer fen (分): parsing what the receptionist types, formatting for screens
//! and receipts, capital numerals (大写), the one rounding rule and exact apportionment.
//!
//! Amounts are `i64` fen everywhere; unit prices are `i64` in 1/10000 yuan ("price_4dp").
//! Nothing here ever goes through floating point.

/// Largest amount accepted from the keyboard, in fen (99,999,999.99 元).
pub const MAX_AMOUNT_FEN: i64 = 9_999_999_999;

/// Largest unit price accepted from the keyboard, in 1/10000 yuan (99,999.9999 元).
pub const MAX_PRICE_4DP: i64 = 999_999_999;

/// Why a typed number was refused; mapped to a Chinese sentence by each parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumError {
    Empty,
    NotNumber,
    Negative,
    TooManyDecimals,
    TooBig,
}

/// Parses an amount in yuan as typed at the desk into fen (`"12.50"` → `1250`).
///
/// Accepts `12`, `12.5`, `12.50`, `¥12.50`, `12.50元`, `1,234.50` (commas only as
/// proper thousands groups), full-width digits, point and comma, and surrounding spaces.
/// Trailing zeros beyond two decimals are fine (`12.500`). Zero is accepted; callers
/// decide whether it makes sense. Parsed digit by digit, never through floating point.
/// The error is a short Chinese sentence to show next to the field.
pub fn parse_amount(s: &str) -> Result<i64, String> {
    parse_fixed(s, 2, MAX_AMOUNT_FEN).map_err(|e| {
        match e {
            NumError::Empty => "请填写金额",
            NumError::NotNumber => "金额应为数字，如 12.50",
            NumError::Negative => "金额不能为负数",
            NumError::TooManyDecimals => "金额最多两位小数（到分）",
            NumError::TooBig => "金额太大，请核对",
        }
        .to_string()
    })
}

/// Parses a unit price in yuan as typed at the desk into 1/10000 yuan
/// (`"2.35"` → `23500`, `"0.6083"` → `6083`).
///
/// Same input forms as [`parse_amount`]; up to four decimals, from 0 to 99,999.9999.
/// The error is a short Chinese sentence to show next to the field.
pub fn parse_price(s: &str) -> Result<i64, String> {
    parse_fixed(s, 4, MAX_PRICE_4DP).map_err(|e| {
        match e {
            NumError::Empty => "请填写单价",
            NumError::NotNumber => "单价应为数字，如 2.35",
            NumError::Negative => "单价不能为负数",
            NumError::TooManyDecimals => "单价最多四位小数",
            NumError::TooBig => "单价太大，请核对",
        }
        .to_string()
    })
}

/// Maps full-width and look-alike characters to their ASCII forms.
pub(crate) fn normalize_char(c: char) -> char {
    match c {
        '０'..='９' => char::from_digit(c as u32 - '０' as u32, 10).unwrap_or(c),
        '．' | '。' => '.',
        '，' => ',',
        '－' | '−' => '-',
        '＋' => '+',
        '￥' => '¥',
        _ => c,
    }
}

/// Parses a non-negative decimal with at most `decimals` places into an integer scaled by
/// `10^decimals`, refusing values above `max`.
fn parse_fixed(s: &str, decimals: usize, max: i64) -> Result<i64, NumError> {
    let normal: String = s.chars().map(normalize_char).collect();
    let mut t = normal.trim();
    if let Some(rest) = t.strip_suffix('元') {
        t = rest.trim_end();
    }
    // One optional sign and one optional currency sign, in either order.
    let mut negative = false;
    let mut signed = false;
    let mut currency = false;
    loop {
        if !signed {
            if let Some(rest) = t.strip_prefix('-') {
                negative = true;
                signed = true;
                t = rest.trim_start();
                continue;
            }
            if let Some(rest) = t.strip_prefix('+') {
                signed = true;
                t = rest.trim_start();
                continue;
            }
        }
        if !currency && let Some(rest) = t.strip_prefix('¥') {
            currency = true;
            t = rest.trim_start();
            continue;
        }
        break;
    }
    if t.is_empty() {
        return Err(if signed {
            NumError::NotNumber
        } else {
            NumError::Empty
        });
    }
    let (int_part, frac_part) = t.split_once('.').unwrap_or((t, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(NumError::NotNumber);
    }
    if !frac_part.chars().all(|c| c.is_ascii_digit()) {
        return Err(NumError::NotNumber);
    }
    let int_digits = ungroup(int_part).ok_or(NumError::NotNumber)?;
    let nonzero = |p: &str| p.chars().any(|c| c != '0');
    if negative && (nonzero(&int_digits) || nonzero(frac_part)) {
        return Err(NumError::Negative);
    }
    let frac = frac_part.trim_end_matches('0');
    if frac.len() > decimals {
        return Err(NumError::TooManyDecimals);
    }
    let int_digits = int_digits.trim_start_matches('0');
    if int_digits.len() > 12 {
        return Err(NumError::TooBig);
    }
    let mut value: i64 = 0;
    for c in int_digits.chars() {
        value = value * 10 + digit(c);
    }
    let mut frac_chars = frac.chars();
    for _ in 0..decimals {
        value = value * 10 + frac_chars.next().map_or(0, digit);
    }
    if value > max {
        return Err(NumError::TooBig);
    }
    Ok(value)
}

/// Removes thousands separators from an integer part, checking that they sit in proper
/// groups of three (`"1,234"` → `"1234"`; `"12,34"` → `None`). `None` if not all digits.
fn ungroup(int_part: &str) -> Option<String> {
    let all_digits = |p: &str| p.chars().all(|c| c.is_ascii_digit());
    if !int_part.contains(',') {
        return all_digits(int_part).then(|| int_part.to_string());
    }
    let mut out = String::new();
    for (i, group) in int_part.split(',').enumerate() {
        let len_ok = if i == 0 {
            (1..=3).contains(&group.len())
        } else {
            group.len() == 3
        };
        if !len_ok || !all_digits(group) {
            return None;
        }
        out.push_str(group);
    }
    Some(out)
}

/// Value of an ASCII digit (caller has checked it is one).
fn digit(c: char) -> i64 {
    i64::from(c.to_digit(10).unwrap_or(0))
}

/// Writes `n` with a comma every three digits (`1234567` → `"1,234,567"`).
fn group_thousands(n: u64) -> String {
    let s = n.to_string();
    let len = s.len();
    let mut out = String::with_capacity(len + len / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Formats fen as yuan with thousands separators and two decimals:
/// `123456` → `"1,234.56"`, `5` → `"0.05"`, `-1200` → `"-12.00"`.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", group_thousands(abs / 100), abs % 100)
}

/// Formats fen as yuan with two decimals and no separators: `123456` → `"1234.56"`.
pub fn yuan_plain(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// Formats a unit price in 1/10000 yuan with at least two and at most four decimals,
/// dropping trailing zeros beyond the second: `23500` → `"2.35"`, `6083` → `"0.6083"`,
/// `10000` → `"1.00"`, `12340` → `"1.234"`. No thousands separators.
pub fn price_text(price_4dp: i64) -> String {
    let sign = if price_4dp < 0 { "-" } else { "" };
    let abs = price_4dp.unsigned_abs();
    let frac = format!("{:04}", abs % 10_000);
    let mut frac = frac.as_str();
    while frac.len() > 2 && frac.ends_with('0') {
        frac = &frac[..frac.len() - 1];
    }
    format!("{sign}{}.{frac}", abs / 10_000)
}

/// Capital digits (大写数字) 零 to 玖.
const CAPITAL_DIGITS: [&str; 10] = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"];

/// Units inside a four-digit section: ones, 拾, 佰, 仟.
const CAPITAL_SMALL_UNITS: [&str; 4] = ["", "拾", "佰", "仟"];

/// Writes an amount in Chinese capital numerals (大写) as printed on receipts, following
/// the rules of 《支付结算办法》:
///
/// - digits 零壹贰叁肆伍陆柒捌玖, units 拾佰仟万亿, then 元角分;
/// - `整` after 元 when there are no 角 and 分; none after 角 or 分;
/// - `壹拾` is always written out (`1000` → `壹拾元整`);
/// - several zeros in a row give one `零`; zeros at the end of a 万 or 亿 section give none,
///   a zero gap before the next section gives one (`壹万零壹元整`, `壹亿零壹拾万元整`);
/// - when the 元 digit is 0 and 角 or 分 follow, or 角 is 0 and 分 follows, one `零` is
///   written after 元 (`壹佰贰拾元零伍角`, `壹佰元零伍分`);
/// - amounts below one yuan start at 角 or 分 (`伍分`); zero is `零元整`;
/// - negative amounts get a leading `负`.
pub fn capital(fen: i64) -> String {
    if fen == 0 {
        return "零元整".to_string();
    }
    let abs = fen.unsigned_abs();
    let whole = abs / 100;
    let jiao = ((abs / 10) % 10) as usize;
    let fen_digit = (abs % 10) as usize;
    let mut out = String::new();
    if fen < 0 {
        out.push('负');
    }
    if whole > 0 {
        out.push_str(&capital_integer(whole));
        out.push('元');
    }
    if jiao == 0 && fen_digit == 0 {
        out.push('整');
        return out;
    }
    if jiao > 0 {
        if whole > 0 && whole.is_multiple_of(10) {
            out.push('零');
        }
        out.push_str(CAPITAL_DIGITS[jiao]);
        out.push('角');
    } else if whole > 0 {
        out.push('零');
    }
    if fen_digit > 0 {
        out.push_str(CAPITAL_DIGITS[fen_digit]);
        out.push('分');
    }
    out
}

/// Capital numerals of a positive whole number (no 元).
fn capital_integer(n: u64) -> String {
    const YI: u64 = 100_000_000;
    if n < YI {
        return capital_below_yi(n);
    }
    let mut out = capital_integer(n / YI);
    out.push('亿');
    let low = n % YI;
    if low > 0 {
        if low < YI / 10 {
            out.push('零');
        }
        out.push_str(&capital_below_yi(low));
    }
    out
}

/// Capital numerals of a number from 1 to 9999,9999 (sections 万 and ones).
fn capital_below_yi(n: u64) -> String {
    let high = n / 10_000;
    let low = n % 10_000;
    if high == 0 {
        return capital_section(low);
    }
    let mut out = capital_section(high);
    out.push('万');
    if low > 0 {
        if low < 1000 {
            out.push('零');
        }
        out.push_str(&capital_section(low));
    }
    out
}

/// Capital numerals of a number from 1 to 9999, without leading or trailing 零.
fn capital_section(n: u64) -> String {
    let mut out = String::new();
    let mut started = false;
    let mut zero_pending = false;
    for place in (0..4).rev() {
        let d = ((n / 10u64.pow(place as u32)) % 10) as usize;
        if d == 0 {
            zero_pending = started;
            continue;
        }
        if zero_pending {
            out.push('零');
            zero_pending = false;
        }
        out.push_str(CAPITAL_DIGITS[d]);
        out.push_str(CAPITAL_SMALL_UNITS[place]);
        started = true;
    }
    out
}

/// Divides and rounds to the nearest integer, **half away from zero** (half up for
/// positive results: `2.5` → `3`, `-2.5` → `-3`).
///
/// This is THE one rounding rule of the program: every fee line is computed exactly in
/// integers and rounded once, at the end, with this function. It never panics: a zero
/// denominator gives `0`, and a quotient outside the `i64` range saturates.
pub fn round_div(numerator: i128, denominator: i128) -> i64 {
    if denominator == 0 {
        return 0;
    }
    let n = numerator.unsigned_abs();
    let d = denominator.unsigned_abs();
    let mut q = n / d;
    let r = n % d;
    if r >= d - r {
        q += 1;
    }
    let negative = (numerator < 0) != (denominator < 0);
    if negative {
        if q > i64::MIN.unsigned_abs() as u128 {
            i64::MIN
        } else {
            (q as i128).wrapping_neg() as i64
        }
    } else {
        i64::try_from(q).unwrap_or(i64::MAX)
    }
}

/// Splits `total` fen over `weights` by the largest-remainder method.
///
/// Each share is first `floor(|total| × w / Σw)`; the fen left over then go one each to
/// the shares with the largest remainders (ties: earlier index first). The shares always
/// add up exactly to `total`, each is within 1 fen of the exact share, and a zero weight
/// gets 0. A negative `total` (an adjustment) is split symmetrically: the result is the
/// negation of splitting `-total`.
///
/// Errors: `"分摊基数为零"` when all weights are zero (or there are none) but `total` is not
/// zero; `"分摊基数不能为负数"` for a negative weight. With `total == 0` and all-zero or no
/// weights the result is all zeros (or empty).
pub fn apportion(total: i64, weights: &[i64]) -> Result<Vec<i64>, String> {
    if weights.iter().any(|&w| w < 0) {
        return Err("分摊基数不能为负数".to_string());
    }
    let sum: i128 = weights.iter().map(|&w| i128::from(w)).sum();
    if sum == 0 {
        if total == 0 {
            return Ok(vec![0; weights.len()]);
        }
        return Err("分摊基数为零".to_string());
    }
    let abs_total = i128::from(total.unsigned_abs());
    let mut shares: Vec<i128> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<(i128, usize)> = Vec::with_capacity(weights.len());
    for (i, &w) in weights.iter().enumerate() {
        let product = abs_total * i128::from(w);
        shares.push(product / sum);
        remainders.push((product % sum, i));
    }
    let given: i128 = shares.iter().sum();
    let leftover = abs_total - given;
    // Largest remainder first; equal remainders keep index order.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for &(_, i) in remainders
        .iter()
        .take(usize::try_from(leftover).unwrap_or(0))
    {
        shares[i] += 1;
    }
    shares
        .into_iter()
        .map(|s| {
            let signed = if total < 0 { -s } else { s };
            i64::try_from(signed).map_err(|_| "分摊金额超出范围".to_string())
        })
        .collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn err(s: &str) -> Result<i64, String> {
        Err(s.to_string())
    }

    #[test]
    fn parse_amount_accepts_desk_forms() {
        assert_eq!(parse_amount("12"), Ok(1200));
        assert_eq!(parse_amount("12.5"), Ok(1250));
        assert_eq!(parse_amount("12.50"), Ok(1250));
        assert_eq!(parse_amount("12.05"), Ok(1205));
        assert_eq!(parse_amount("¥12.50"), Ok(1250));
        assert_eq!(parse_amount("￥ 12.50"), Ok(1250));
        assert_eq!(parse_amount("12.50元"), Ok(1250));
        assert_eq!(parse_amount("¥12.50 元"), Ok(1250));
        assert_eq!(parse_amount("1,234.50"), Ok(123_450));
        assert_eq!(parse_amount("12,345,678.90"), Ok(1_234_567_890));
        assert_eq!(parse_amount("１２．５０"), Ok(1250));
        assert_eq!(parse_amount("１，２３４．５"), Ok(123_450));
        assert_eq!(parse_amount("  12.50  "), Ok(1250));
        assert_eq!(parse_amount("\u{3000}12.50\u{3000}"), Ok(1250));
        assert_eq!(parse_amount(".5"), Ok(50));
        assert_eq!(parse_amount("12."), Ok(1200));
        assert_eq!(parse_amount("0012.50"), Ok(1250));
        assert_eq!(parse_amount("12.500"), Ok(1250));
        assert_eq!(parse_amount("+12"), Ok(1200));
    }

    #[test]
    fn parse_amount_zero_is_accepted() {
        assert_eq!(parse_amount("0"), Ok(0));
        assert_eq!(parse_amount("0.00"), Ok(0));
        assert_eq!(parse_amount("-0"), Ok(0));
    }

    #[test]
    fn parse_amount_is_exact_where_floats_are_not() {
        // 0.29 × 100 and 1.15 × 100 are not whole in f64.
        assert_eq!(parse_amount("0.29"), Ok(29));
        assert_eq!(parse_amount("1.15"), Ok(115));
        assert_eq!(parse_amount("4.35"), Ok(435));
        assert_eq!(parse_amount("99999999.99"), Ok(9_999_999_999));
        assert_eq!(parse_amount("99,999,999.99"), Ok(MAX_AMOUNT_FEN));
    }

    #[test]
    fn parse_amount_rejects_with_reasons() {
        assert_eq!(parse_amount(""), err("请填写金额"));
        assert_eq!(parse_amount("   "), err("请填写金额"));
        assert_eq!(parse_amount("¥"), err("请填写金额"));
        assert_eq!(parse_amount("元"), err("请填写金额"));
        let nan = "金额应为数字，如 12.50";
        for bad in [
            "abc",
            "1e9",
            "12.3.4",
            "--1",
            "-",
            ".",
            "1 234",
            "12,34",
            ",123",
            "1,,234",
            "1234,567",
            "12.5,0",
            "12元5角",
            "¥¥5",
            "0x10",
            "+-1",
        ] {
            assert_eq!(parse_amount(bad), err(nan), "input {bad:?}");
        }
        assert_eq!(parse_amount("-5"), err("金额不能为负数"));
        assert_eq!(parse_amount("-¥5"), err("金额不能为负数"));
        assert_eq!(parse_amount("¥-5.00"), err("金额不能为负数"));
        assert_eq!(parse_amount("－5"), err("金额不能为负数"));
        assert_eq!(parse_amount("12.345"), err("金额最多两位小数（到分）"));
        assert_eq!(parse_amount("0.001"), err("金额最多两位小数（到分）"));
        assert_eq!(parse_amount("100000000"), err("金额太大，请核对"));
        assert_eq!(parse_amount("100000000.00"), err("金额太大，请核对"));
        assert_eq!(
            parse_amount("99999999999999999999999999"),
            err("金额太大，请核对")
        );
        assert_eq!(parse_amount("000000000000000001"), Ok(100));
        assert_eq!(parse_amount("1,234."), Ok(123_400));
    }

    #[test]
    fn parse_price_values_and_errors() {
        assert_eq!(parse_price("2.35"), Ok(23_500));
        assert_eq!(parse_price("0.6083"), Ok(6083));
        assert_eq!(parse_price("¥1"), Ok(10_000));
        assert_eq!(parse_price("３．５元"), Ok(35_000));
        assert_eq!(parse_price("0"), Ok(0));
        assert_eq!(parse_price("99999.9999"), Ok(MAX_PRICE_4DP));
        assert_eq!(parse_price("1,000.5"), Ok(10_005_000));
        assert_eq!(parse_price(""), err("请填写单价"));
        assert_eq!(parse_price("x"), err("单价应为数字，如 2.35"));
        assert_eq!(parse_price("-2.35"), err("单价不能为负数"));
        assert_eq!(parse_price("0.60835"), err("单价最多四位小数"));
        assert_eq!(parse_price("0.608300"), Ok(6083));
        assert_eq!(parse_price("100000"), err("单价太大，请核对"));
    }

    #[test]
    fn yuan_formats() {
        assert_eq!(yuan(123_456), "1,234.56");
        assert_eq!(yuan(5), "0.05");
        assert_eq!(yuan(0), "0.00");
        assert_eq!(yuan(-1200), "-12.00");
        assert_eq!(yuan(-5), "-0.05");
        assert_eq!(yuan(100_000), "1,000.00");
        assert_eq!(yuan(99_999), "999.99");
        assert_eq!(yuan(9_999_999_999), "99,999,999.99");
        assert_eq!(yuan(i64::MIN), "-92,233,720,368,547,758.08");
        assert_eq!(yuan_plain(123_456), "1234.56");
        assert_eq!(yuan_plain(5), "0.05");
        assert_eq!(yuan_plain(-123_456), "-1234.56");
        assert_eq!(yuan_plain(9_999_999_999), "99999999.99");
    }

    #[test]
    fn price_text_trims_only_beyond_two_decimals() {
        assert_eq!(price_text(23_500), "2.35");
        assert_eq!(price_text(6083), "0.6083");
        assert_eq!(price_text(10_000), "1.00");
        assert_eq!(price_text(12_340), "1.234");
        assert_eq!(price_text(15_000), "1.50");
        assert_eq!(price_text(1), "0.0001");
        assert_eq!(price_text(0), "0.00");
        assert_eq!(price_text(MAX_PRICE_4DP), "99999.9999");
        assert_eq!(price_text(-23_500), "-2.35");
    }

    #[test]
    fn capital_numerals() {
        let cases: &[(i64, &str)] = &[
            (123_456, "壹仟贰佰叁拾肆元伍角陆分"),
            (12_000, "壹佰贰拾元整"),
            (12_050, "壹佰贰拾元零伍角"),
            (12_005, "壹佰贰拾元零伍分"),
            (12_055, "壹佰贰拾元零伍角伍分"),
            (10_005, "壹佰元零伍分"),
            (100, "壹元整"),
            (105, "壹元零伍分"),
            (150, "壹元伍角"),
            (5, "伍分"),
            (50, "伍角"),
            (55, "伍角伍分"),
            (0, "零元整"),
            (1000, "壹拾元整"),
            (1500, "壹拾伍元整"),
            (10_100, "壹佰零壹元整"),
            (100_100, "壹仟零壹元整"),
            (101_000, "壹仟零壹拾元整"),
            (1_000_000, "壹万元整"),
            (1_000_100, "壹万零壹元整"),
            (1_100_000, "壹万壹仟元整"),
            (10_100_000, "壹拾万壹仟元整"),
            (10_010_000, "壹拾万零壹佰元整"),
            (100_000_100, "壹佰万零壹元整"),
            (1_100_000_000, "壹仟壹佰万元整"),
            (10_000_000_000, "壹亿元整"),
            (10_000_000_100, "壹亿零壹元整"),
            (10_010_000_000, "壹亿零壹拾万元整"),
            (11_000_000_000, "壹亿壹仟万元整"),
            (10_000_100_000, "壹亿零壹仟元整"),
            (100_000_000_000, "壹拾亿元整"),
            (100_000_000_100, "壹拾亿零壹元整"),
            (1_000_000_000_000, "壹佰亿元整"),
            (100_000_000_000_000, "壹万亿元整"),
            (100_010_000_000_000, "壹万零壹亿元整"),
            (1_000_000_000_000_000, "壹拾万亿元整"),
            (9_999_999_999, "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
            (200_300_400_506, "贰拾亿零叁佰万肆仟零伍元零陆分"),
            (-1200, "负壹拾贰元整"),
            (-5, "负伍分"),
            (-12_050, "负壹佰贰拾元零伍角"),
        ];
        for &(fen, want) in cases {
            assert_eq!(capital(fen), want, "capital({fen})");
        }
    }

    #[test]
    fn capital_extremes_do_not_panic() {
        assert!(capital(i64::MAX).ends_with("柒分"));
        assert!(capital(i64::MIN).starts_with('负'));
        assert!(capital(i64::MIN).ends_with("捌分"));
    }

    #[test]
    fn round_div_half_away_from_zero() {
        assert_eq!(round_div(5, 2), 3);
        assert_eq!(round_div(-5, 2), -3);
        assert_eq!(round_div(5, -2), -3);
        assert_eq!(round_div(-5, -2), 3);
        assert_eq!(round_div(4, 3), 1);
        assert_eq!(round_div(5, 3), 2);
        assert_eq!(round_div(-4, 3), -1);
        assert_eq!(round_div(-5, 3), -2);
        assert_eq!(round_div(6_309_750, 100), 63_098);
        assert_eq!(round_div(6_309_749, 100), 63_097);
        assert_eq!(round_div(0, 7), 0);
        assert_eq!(round_div(7, 0), 0);
        assert_eq!(round_div(i128::MAX, 1), i64::MAX);
        assert_eq!(round_div(i128::MIN, 1), i64::MIN);
        assert_eq!(round_div(i128::MAX, i128::MAX), 1);
        assert_eq!(round_div(i128::MIN, i128::MAX), -1);
        assert_eq!(round_div(i128::from(i64::MIN), 1), i64::MIN);
        assert_eq!(round_div(1, i128::MAX), 0);
    }

    #[test]
    fn apportion_basic() {
        assert_eq!(apportion(100, &[1, 1, 1]), Ok(vec![34, 33, 33]));
        assert_eq!(apportion(-100, &[1, 1, 1]), Ok(vec![-34, -33, -33]));
        assert_eq!(apportion(200, &[1, 1, 1]), Ok(vec![67, 67, 66]));
        assert_eq!(apportion(10, &[0, 3, 0, 7]), Ok(vec![0, 3, 0, 7]));
        assert_eq!(apportion(1, &[0, 5, 5]), Ok(vec![0, 1, 0]));
        assert_eq!(
            apportion(5, &[1, 0, 1, 1, 1, 1, 1]),
            Ok(vec![1, 0, 1, 1, 1, 1, 0])
        );
        // Remainders 6/7, 2/7, 6/7: the two largest get the leftover fen.
        assert_eq!(apportion(10, &[2, 3, 2]), Ok(vec![3, 4, 3]));
        assert_eq!(apportion(7, &[8950, 12030, 6600]), Ok(vec![2, 3, 2]));
        assert_eq!(apportion(0, &[1, 2]), Ok(vec![0, 0]));
        assert_eq!(apportion(0, &[0, 0]), Ok(vec![0, 0]));
        assert_eq!(apportion(0, &[]), Ok(vec![]));
        assert_eq!(apportion(5, &[]), Err("分摊基数为零".to_string()));
        assert_eq!(apportion(5, &[0, 0]), Err("分摊基数为零".to_string()));
        assert_eq!(
            apportion(5, &[1, -1]),
            Err("分摊基数不能为负数".to_string())
        );
        assert_eq!(
            apportion(i64::MAX, &[i64::MAX, i64::MAX])
                .unwrap()
                .iter()
                .sum::<i64>(),
            i64::MAX
        );
        assert_eq!(
            apportion(i64::MIN, &[1, 1]),
            Ok(vec![i64::MIN / 2, i64::MIN / 2])
        );
    }

    /// A tiny linear congruential generator, enough for varied test inputs.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> u64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            self.0 >> 16
        }
        fn below(&mut self, n: u64) -> i64 {
            (self.next() % n) as i64
        }
    }

    #[test]
    fn apportion_properties_hold_for_many_inputs() {
        let mut rng = Lcg(20_261_101);
        for round in 0..5000 {
            let len = 1 + rng.below(12) as usize;
            let scale = [10, 1000, 10_000_000, 1_000_000_000_000][round % 4];
            let mut weights: Vec<i64> = (0..len)
                .map(|_| {
                    if rng.below(5) == 0 {
                        0
                    } else {
                        rng.below(scale)
                    }
                })
                .collect();
            if weights.iter().all(|&w| w == 0) {
                weights[0] = 1;
            }
            let mut total = rng.below(10_000_000_000);
            if rng.below(3) == 0 {
                total = -total;
            }
            let shares = apportion(total, &weights).unwrap();
            assert_eq!(shares.len(), weights.len());
            assert_eq!(
                shares.iter().sum::<i64>(),
                total,
                "{total} over {weights:?}"
            );
            let sum: i128 = weights.iter().map(|&w| i128::from(w)).sum();
            for (share, &w) in shares.iter().zip(&weights) {
                // |share × Σw − total × w| < Σw, i.e. within 1 fen of the exact share.
                let diff = i128::from(*share) * sum - i128::from(total) * i128::from(w);
                assert!(diff.abs() < sum, "{total} over {weights:?}: {shares:?}");
                if w == 0 {
                    assert_eq!(*share, 0);
                }
                if total >= 0 {
                    assert!(*share >= 0);
                } else {
                    assert!(*share <= 0);
                }
            }
            // Symmetric for negative totals.
            let negated = apportion(-total, &weights).unwrap();
            assert!(shares.iter().zip(&negated).all(|(a, b)| *a == -*b));
        }
    }

    #[test]
    fn parse_then_format_round_trips() {
        let mut rng = Lcg(7);
        for _ in 0..2000 {
            let fen = rng.below(MAX_AMOUNT_FEN as u64 + 1);
            assert_eq!(parse_amount(&yuan(fen)), Ok(fen));
            assert_eq!(parse_amount(&yuan_plain(fen)), Ok(fen));
            let price = rng.below(MAX_PRICE_4DP as u64 + 1);
            assert_eq!(parse_price(&price_text(price)), Ok(price));
        }
    }
}
