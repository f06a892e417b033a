//! wuye-desk: with no subcommand, opens the desk window; subcommands do admin work.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use wuye_desk::clock;
use wuye_desk::demo::{DemoSpec, generate};
use wuye_desk::store::Store;

/// 物业前台：物业服务中心前台的桌面程序。
#[derive(Debug, Parser)]
#[command(name = "wuye-desk", version, about)]
struct Cli {
    /// 数据库文件（默认在本机数据文件夹里的 office.sqlite）
    #[arg(long, global = true)]
    db: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// 生成演示物业（楼栋、房屋、业主、车辆、卡片和大事记）
    Demo {
        /// 房屋数量（含商铺和车位）
        #[arg(long, default_value_t = 300)]
        units: usize,
        /// 历史月数
        #[arg(long, default_value_t = 12)]
        months: u32,
        /// 随机种子（同一种子生成同样的数据）
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// 核验收据链和数据库完整性（有问题时返回非零）
    Verify,
    /// 月末归档：检查并结账（尚未结账时），导出一个月的工作簿、PDF、数据库快照和校验清单
    Export {
        /// 月份，如 2026-10
        #[arg(long)]
        month: String,
        /// 导出到的文件夹
        #[arg(long)]
        out: PathBuf,
        /// 结账记在哪位主管名下（默认第一位主管）
        #[arg(long)]
        operator: Option<String>,
    },
    /// 备份数据库（程序运行时也可以，得到一致的副本）
    Backup {
        /// 备份到的文件
        #[arg(long)]
        out: PathBuf,
    },
    /// 打印：补打收据，或批量打印收费通知单/催缴单
    Print {
        #[command(subcommand)]
        what: PrintCommand,
    },
    /// 导入业主花名册（.xlsx/.xls/.csv）
    ImportOwners {
        /// 花名册文件
        file: PathBuf,
        /// 跳过有问题的行，只导入没问题的行
        #[arg(long)]
        skip_bad: bool,
        /// 记在哪位操作员名下（默认第一位主管）
        #[arg(long)]
        operator: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
enum PrintCommand {
    /// 补打一张收据（PDF 上注明「补打」）
    Receipt {
        /// 收据号，如 SJ202611-000123
        number: String,
        /// 输出的 PDF 文件
        #[arg(long)]
        out: PathBuf,
        /// 打在 A4 纸上（一页两张的上半张），默认 A5
        #[arg(long)]
        a4: bool,
    },
    /// 收费通知单（或加 --dunning 打催缴单），每户一页
    Notices {
        /// 期间，如 2026Q4 或 2026-11
        #[arg(long)]
        period: String,
        /// 只打某一栋，如 3栋
        #[arg(long)]
        building: Option<String>,
        /// 打催缴单（欠费的房屋）
        #[arg(long)]
        dunning: bool,
        /// 输出的 PDF 文件
        #[arg(long)]
        out: PathBuf,
    },
}

fn default_db_path() -> PathBuf {
    directories::ProjectDirs::from("cn", "wuye", "wuye-desk").map_or_else(
        || PathBuf::from("office.sqlite"),
        |dirs| dirs.data_dir().join("office.sqlite"),
    )
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let result = match cli.command {
        None => run_window(cli.db.unwrap_or_else(default_db_path)),
        Some(Command::Demo {
            units,
            months,
            seed,
        }) => need_db(cli.db.as_deref()).and_then(|db| {
            demo(
                &db,
                DemoSpec {
                    units,
                    months,
                    seed,
                },
            )
        }),
        Some(Command::Verify) => need_db(cli.db.as_deref()).and_then(|db| verify(&db)),
        Some(Command::Export {
            month,
            out,
            operator,
        }) => {
            need_db(cli.db.as_deref()).and_then(|db| export(&db, &month, &out, operator.as_deref()))
        }
        Some(Command::Backup { out }) => {
            need_db(cli.db.as_deref()).and_then(|db| backup(&db, &out))
        }
        Some(Command::Print { what }) => need_db(cli.db.as_deref()).and_then(|db| print(&db, what)),
        Some(Command::ImportOwners {
            file,
            skip_bad,
            operator,
        }) => need_db(cli.db.as_deref())
            .and_then(|db| import_owners(&db, &file, skip_bad, operator.as_deref())),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("错误：{}", error_text(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes, each said once: our messages already carry their cause's
/// words, so a cause is only added when it says something new.
fn error_text(e: &anyhow::Error) -> String {
    let mut text = e.to_string();
    for cause in e.chain().skip(1) {
        let said = cause.to_string();
        if !text.contains(&said) {
            text.push('：');
            text.push_str(&said);
        }
    }
    text
}

fn need_db(db: Option<&Path>) -> Result<PathBuf> {
    db.map(Path::to_path_buf)
        .context("请用 --db 指定数据库文件")
}

fn run_window(db: PathBuf) -> Result<ExitCode> {
    let demo_path = db
        .parent()
        .map_or_else(|| PathBuf::from("demo.sqlite"), |p| p.join("demo.sqlite"));
    let options = eframe::NativeOptions {
        renderer: eframe::Renderer::Glow,
        viewport: egui::ViewportBuilder::default()
            .with_title("物业前台")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([960.0, 600.0]),
        ..Default::default()
    };
    eframe::run_native(
        "wuye-desk",
        options,
        Box::new(move |cc| {
            Ok(Box::new(
                wuye_desk::ui::DeskApp::new(&db, demo_path, clock::system())
                    .with_creation_context(cc),
            ))
        }),
    )
    .map_err(|e| anyhow::anyhow!("无法打开窗口：{e}"))?;
    Ok(ExitCode::SUCCESS)
}

fn demo(db: &Path, spec: DemoSpec) -> Result<ExitCode> {
    if db.exists() {
        bail!("{} 已存在：演示物业只生成到新文件里", db.display());
    }
    let mut store = Store::open(db, clock::system())?;
    generate(&mut store, &spec)?;
    let units = store.unit_rows()?.len();
    println!("已生成演示物业：{}（{} 户）", db.display(), units);
    for (role, login, password) in wuye_desk::demo::DEMO_LOGINS {
        println!("  {role}：登录名 {login}，密码 {password}");
    }
    Ok(ExitCode::SUCCESS)
}

fn import_owners(
    db: &Path,
    file: &Path,
    skip_bad: bool,
    operator: Option<&str>,
) -> Result<ExitCode> {
    if !db.exists() {
        bail!("数据库文件 {} 不存在", db.display());
    }
    let mut store = Store::open(db, clock::system())?;
    let actor = store.cli_operator(operator)?;
    let checks = wuye_desk::import::preview_roster(&store, file).map_err(anyhow::Error::msg)?;
    let mut good = Vec::new();
    let mut rejected = 0usize;
    for check in checks {
        match check.result {
            Ok(row) => good.push(row),
            Err(reasons) => {
                rejected += 1;
                println!(
                    "第{}行 {} {}：{}",
                    check.row_no,
                    check.unit_code,
                    check.owner_name,
                    reasons.join("；")
                );
            }
        }
    }
    if rejected > 0 && !skip_bad {
        println!(
            "有 {rejected} 行不能导入，没有写入任何内容。改正后重试，或加 --skip-bad 只导入没问题的行。"
        );
        return Ok(ExitCode::FAILURE);
    }
    let report = store.import_roster(&actor, &good)?;
    println!(
        "已导入 {} 行：新建房屋 {} 户，业主 {} 人，车辆 {} 辆；跳过 {rejected} 行",
        good.len(),
        report.units_added,
        report.owners_added,
        report.vehicles_added
    );
    Ok(ExitCode::SUCCESS)
}

fn open_existing(db: &Path) -> Result<Store> {
    if !db.exists() {
        bail!("数据库文件 {} 不存在", db.display());
    }
    Ok(Store::open(db, clock::system())?)
}

fn verify(db: &Path) -> Result<ExitCode> {
    let store = open_existing(db)?;
    let mut ok = true;
    match store.integrity_check() {
        Ok(()) => println!("数据库完整性检查：通过"),
        Err(e) => {
            ok = false;
            println!("数据库完整性检查：失败：{e}");
        }
    }
    match store.verify_receipts()? {
        Ok(head) => println!(
            "收据链：通过，共 {} 张收据，链尾哈希 {}",
            head.count, head.head_hash
        ),
        Err(b) => {
            ok = false;
            println!("收据链：断在第 {} 张收据 {}：{}", b.seq, b.number, b.reason);
        }
    }
    let mismatched = store.verify_paid_amounts()?;
    if mismatched.is_empty() {
        println!("应收已缴金额与收据明细：一致");
    } else {
        ok = false;
        for (bill, recorded, from_receipts) in mismatched.iter().take(20) {
            println!(
                "应收 #{bill} 记为已缴 {recorded} 分，收据明细合计 {from_receipts} 分：不一致"
            );
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn write_pdf(out: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = out.with_extension("pdf.part");
    std::fs::write(&tmp, bytes).with_context(|| format!("无法写入 {}", tmp.display()))?;
    std::fs::rename(&tmp, out).with_context(|| format!("无法写入 {}", out.display()))?;
    Ok(())
}

fn print(db: &Path, what: PrintCommand) -> Result<ExitCode> {
    let store = open_existing(db)?;
    match what {
        PrintCommand::Receipt { number, out, a4 } => {
            let layout = if a4 {
                wuye_desk::print::receipt::ReceiptLayout::TwoPerA4
            } else {
                wuye_desk::print::receipt::ReceiptLayout::A5
            };
            let pdf = wuye_desk::documents::receipt_pdf(&store, &number, true, layout)?;
            write_pdf(&out, &pdf)?;
            println!("已补打收据 {number}：{}", out.display());
        }
        PrintCommand::Notices {
            period,
            building,
            dunning,
            out,
        } => {
            let period =
                wuye_desk::domain::fees::Period::parse(&period).map_err(anyhow::Error::msg)?;
            let (count, pdf) = wuye_desk::documents::notices_document(
                &store,
                &period,
                building.as_deref(),
                dunning,
                &|_, _| true,
            )?;
            write_pdf(&out, &pdf)?;
            let kind = if dunning {
                "催缴单"
            } else {
                "收费通知单"
            };
            println!("已生成{kind} {count} 份：{}", out.display());
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn backup(db: &Path, out: &Path) -> Result<ExitCode> {
    let store = open_existing(db)?;
    if out.exists() {
        bail!(
            "{} 已存在：请换一个文件名，不会覆盖已有的文件",
            out.display()
        );
    }
    store.backup_to(out)?;
    wuye_desk::store::check_backup(out)?;
    let size = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    println!(
        "已备份到 {}（{} KB，已检查完整）",
        out.display(),
        size / 1024
    );
    Ok(ExitCode::SUCCESS)
}

fn export(db: &Path, month: &str, out: &Path, operator: Option<&str>) -> Result<ExitCode> {
    let mut store = open_existing(db)?;
    let month = wuye_desk::domain::fees::Period::parse(month).map_err(anyhow::Error::msg)?;
    let check = store.check_month(&month)?;
    if check.closed.is_none() {
        // The same as 设置 → 月末归档: the month is checked and closed, then exported.
        let actor = store.cli_operator(operator)?;
        store.close_month(&actor, &month, "命令行月末归档")?;
        println!("{} 已由 {} 结账", month.label(), actor.name);
        for (area, what) in &check.open {
            println!("  仍未办完（转入下月跟进）：{area}：{what}");
        }
    }
    std::fs::create_dir_all(out).map_err(|e| {
        let reason = wuye_desk::store::io_reason(&e).unwrap_or_else(|| e.to_string());
        anyhow::anyhow!("无法创建文件夹 {}：{reason}", out.display())
    })?;
    let done = wuye_desk::export::export_month(&store, &month, out, &|_| true)?;
    println!(
        "已导出 {}：{} 个文件，{} 张收据，收据链尾哈希 {}",
        done.folder.display(),
        done.files.len() + 1,
        done.receipts,
        done.chain_head
    );
    println!("压缩包：{}", done.zip.display());
    Ok(ExitCode::SUCCESS)
}
