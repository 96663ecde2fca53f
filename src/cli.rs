//! The command line: parses arguments, loads the knowledge and runs a command.
//!
//! This is the composition root: the only module that turns errors into messages and exit
//! codes. Every command reads the same knowledge directory through the same engine, and the
//! process settings ([`Settings`], options that fall back to environment variables) are
//! parsed here with the arguments, once.

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{CommandFactory, Parser, Subcommand};

use crate::chart::salary_chart;
use crate::config::{Config, Settings};
use crate::engine::answer::{Answer, Status};
use crate::engine::aspect::Aspect;
use crate::engine::knowledge::{self, LoadError};
use crate::engine::Engine;
use crate::live_knowledge::LiveKnowledge;
use crate::markup::strip_markup;

/// Answers questions about job roles from a directory of knowledge files.
#[derive(Debug, Parser)]
#[command(name = "rolecall", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    settings: Settings,
}

/// The whole command line as clap sees it: options, subcommands and the environment
/// variables each setting falls back to.
pub fn command() -> clap::Command {
    Cli::command()
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Answer one question, or one per line from standard input.
    Ask {
        /// Print one JSON object per answer instead of text.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        knowledge: KnowledgeArg,
        /// The question; without it, questions are read from standard input.
        question: Vec<String>,
    },
    /// Validate the knowledge directory and list every problem.
    Check {
        #[command(flatten)]
        knowledge: KnowledgeArg,
    },
    /// List the roles the knowledge describes, with their aliases.
    Roles {
        #[command(flatten)]
        knowledge: KnowledgeArg,
    },
    /// Draw the salary chart of the roles a question is about, as a PNG file.
    Chart {
        /// The question, e.g. "executive producer vs production assistant salary".
        question: String,
        /// Where to write the PNG.
        #[arg(short = 'o', long, value_name = "FILE")]
        output: PathBuf,
        #[command(flatten)]
        knowledge: KnowledgeArg,
    },
    /// Answer questions typed in the terminal (the default).
    Console {
        #[command(flatten)]
        knowledge: KnowledgeArg,
        /// Read every line as a question of its own, never as a follow-up of the one before
        /// (for lists of unrelated questions)
        #[arg(long)]
        independent: bool,
    },
}

#[derive(Debug, clap::Args)]
struct KnowledgeArg {
    /// The knowledge directory [default: $KNOWLEDGE_DIR, else ./knowledge, else the one
    /// shipped with rolecall]
    #[arg(long = "knowledge", value_name = "DIR")]
    dir: Option<PathBuf>,
}

impl KnowledgeArg {
    /// `--knowledge DIR` if given, else `KNOWLEDGE_DIR` (in `settings`), else the default.
    fn path(&self, settings: &Settings) -> PathBuf {
        crate::config::knowledge_dir(self.dir.clone().or_else(|| settings.knowledge_dir.clone()))
    }

    fn load(&self, settings: &Settings) -> anyhow::Result<Engine> {
        load(&self.path(settings))
    }
}

fn load(dir: &Path) -> anyhow::Result<Engine> {
    Engine::load(dir).with_context(|| format!("loading knowledge from {}", dir.display()))
}

/// Runs the command line and returns the process exit code.
///
/// A settings value that its parser refuses is reported as `rolecall: <why>` with exit
/// code 1, like every other error; other command-line mistakes get clap's usage message.
pub fn run() -> ExitCode {
    if let Err(warning) = crate::config::load_environment() {
        eprintln!("rolecall: warning: {warning}");
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => match crate::config::refused_value(&error) {
            Some(message) => {
                eprintln!("rolecall: {message}");
                return ExitCode::FAILURE;
            }
            None => error.exit(),
        },
    };
    match execute(cli) {
        Ok(code) => code,
        Err(error) => {
            if is_broken_pipe(&error) {
                return ExitCode::SUCCESS;
            }
            eprintln!("rolecall: {error:#}");
            if let Some(LoadError::Invalid { problems }) = error.downcast_ref::<LoadError>() {
                for problem in problems.iter().take(20) {
                    eprintln!("  {problem}");
                }
            }
            ExitCode::FAILURE
        }
    }
}

fn execute(cli: Cli) -> anyhow::Result<ExitCode> {
    let settings = &cli.settings;
    match cli.command {
        Some(Command::Ask {
            json,
            knowledge,
            question,
        }) => {
            let engine = knowledge.load(settings)?;
            if question.is_empty() {
                ask_each_line(&engine, json)?;
            } else {
                let answer = engine.answer(&strip_markup(&question.join(" ")));
                let mut out = io::stdout().lock();
                writeln!(out, "{}", format_answer(&engine, &answer, json))?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Check { knowledge }) => check(&knowledge.path(settings)),
        Some(Command::Roles { knowledge }) => {
            let engine = knowledge.load(settings)?;
            let mut out = io::stdout().lock();
            for role in &engine.knowledge().roles {
                let aliases = if role.aliases.is_empty() {
                    String::new()
                } else {
                    format!(" (also: {})", role.aliases.join(", "))
                };
                writeln!(out, "{:<24} {}{aliases}", role.id, role.name)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Chart {
            question,
            output,
            knowledge,
        }) => chart(&knowledge.load(settings)?, &question, &output),
        Some(Command::Console {
            knowledge,
            independent,
        }) => {
            let live = LiveKnowledge::new(knowledge.path(settings), knowledge.load(settings)?);
            let follow_ups = !independent;
            crate::console::run(&live, follow_ups, io::stdin().lock(), io::stdout().lock())?;
            Ok(ExitCode::SUCCESS)
        }
        None => run_default(Config::try_from(cli.settings)?),
    }
}

/// `rolecall` with no command: the bot when a token is configured, else the console.
fn run_default(config: Config) -> anyhow::Result<ExitCode> {
    let engine = load(&config.knowledge_dir)?;
    if config.token.is_none() {
        eprintln!(
            "No DISCORD_TOKEN is set, so rolecall answers here in the terminal ({} roles from {}). Type a question, `roles`, or `quit`.",
            engine.knowledge().roles.len(),
            config.knowledge_dir.display()
        );
        let live = LiveKnowledge::new(config.knowledge_dir.clone(), engine);
        crate::console::run(&live, true, io::stdin().lock(), io::stdout().lock())?;
        return Ok(ExitCode::SUCCESS);
    }
    init_logging();
    tracing::info!(
        roles = engine.knowledge().roles.len(),
        comparisons = engine.knowledge().comparison_count(),
        knowledge = %config.knowledge_dir.display(),
        "knowledge loaded"
    );
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let store =
            crate::store::Store::open(&config.database_url).context("opening the settings database")?;
        let live = LiveKnowledge::new(config.knowledge_dir.clone(), engine);
        crate::discord::client::run(config, live, store).await
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Logs to standard error, filtered by `RUST_LOG` (default: rolecall's own info lines and
/// warnings from the libraries).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,rolecall=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(io::IsTerminal::is_terminal(&io::stderr()))
        .with_writer(io::stderr)
        .try_init();
}

/// Answers each line of standard input; a line that is not valid UTF-8 is answered as
/// not understood, and the run goes on.
fn ask_each_line(engine: &Engine, json: bool) -> anyhow::Result<()> {
    let stdin = io::stdin().lock();
    let mut out = io::BufWriter::new(io::stdout().lock());
    for line in split_lines(stdin) {
        let line = line.context("reading questions from standard input")?;
        let question = String::from_utf8(line).unwrap_or_default();
        let answer = engine.answer(&strip_markup(question.trim_end_matches('\r')));
        writeln!(out, "{}", format_answer(engine, &answer, json))?;
        out.flush()?;
    }
    Ok(())
}

/// Lines as raw bytes, so one line of invalid UTF-8 does not end the run.
fn split_lines(input: impl BufRead) -> impl Iterator<Item = io::Result<Vec<u8>>> {
    input.split(b'\n')
}

fn format_answer(engine: &Engine, answer: &Answer, json: bool) -> String {
    let text = engine.render_text(answer);
    if !json {
        return text;
    }
    serde_json::json!({
        "status": answer.status.id(),
        "roles": answer.roles,
        "aspect": answer.aspect.map(|a| a.id()),
        "text": text,
        "suggestions": answer.suggestions,
        "notes": answer.notes,
    })
    .to_string()
}

/// Writes the salary chart for the roles `question` is about, whatever aspect it asks
/// about. A question that is not understood, or roles without salary figures, get a
/// message on standard error and exit code 1.
fn chart(engine: &Engine, question: &str, output: &Path) -> anyhow::Result<ExitCode> {
    let mut answer = engine.answer(&strip_markup(question));
    if answer.status != Status::Answered {
        eprintln!("{}", engine.render_text(&answer));
        return Ok(ExitCode::FAILURE);
    }
    if answer.aspect != Some(Aspect::Salary) {
        let ids: Vec<&str> = answer.roles.iter().map(String::as_str).collect();
        if let Some(salary) = engine.answer_about(&ids, Aspect::Salary) {
            answer = salary;
        }
    }
    let chart = match salary_chart(engine, &answer) {
        Ok(chart) => chart,
        Err(no_chart) => {
            eprintln!("{no_chart}");
            return Ok(ExitCode::FAILURE);
        }
    };
    std::fs::write(output, &chart.png)
        .with_context(|| format!("writing the chart to {}", output.display()))?;
    let mut out = io::stdout().lock();
    for note in &chart.notes {
        writeln!(out, "{note}")?;
    }
    let bars = chart.bars.len();
    writeln!(
        out,
        "wrote {} ({}×{}, {bars} bar{})",
        output.display(),
        chart.width,
        chart.height,
        if bars == 1 { "" } else { "s" }
    )?;
    Ok(ExitCode::SUCCESS)
}

fn check(dir: &Path) -> anyhow::Result<ExitCode> {
    let (knowledge, problems) =
        knowledge::load_with_problems(dir).with_context(|| format!("checking {}", dir.display()))?;
    let mut out = io::stdout().lock();
    for problem in &problems {
        writeln!(out, "{problem}")?;
    }
    if problems.is_empty() {
        writeln!(
            out,
            "{}: OK, {} roles and {} comparisons",
            dir.display(),
            knowledge.roles.len(),
            knowledge.comparison_count()
        )?;
        Ok(ExitCode::SUCCESS)
    } else {
        writeln!(out, "{}: {} problem(s)", dir.display(), problems.len())?;
        Ok(ExitCode::FAILURE)
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}
