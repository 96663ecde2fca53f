//! The local console: questions typed in a terminal, answered with the same engine and
//! the same text the bot would send. It is what `cargo run` starts without a Discord token.

use std::io::{BufRead, Write};

use crate::live_knowledge::LiveKnowledge;

/// Reads questions from `input` until end of input or `quit`, answering each on `output`
/// from the knowledge in service at that moment.
pub fn run(live: &LiveKnowledge, input: impl BufRead, mut output: impl Write) -> std::io::Result<()> {
    write!(output, "> ")?;
    output.flush()?;
    for line in input.split(b'\n') {
        let line = String::from_utf8_lossy(&line?).trim().to_string();
        let engine = live.engine();
        match line.to_lowercase().as_str() {
            "quit" | "exit" => break,
            "" => {}
            "roles" => {
                for role in &engine.knowledge().roles {
                    writeln!(output, "- {} ({})", role.name, role.id)?;
                }
            }
            "help" => writeln!(
                output,
                "Ask about a role (\"what does a {0} do?\"), compare two (\"{0} vs {1} salary\"), or type `roles`.",
                engine.knowledge().roles.first().map_or("producer", |r| r.name.as_str()).to_lowercase(),
                engine.knowledge().roles.get(1).map_or("director", |r| r.name.as_str()).to_lowercase()
            )?,
            question => {
                let answer = engine.answer(&crate::markup::strip_markup(question));
                writeln!(output, "{}\n", engine.render_text(&answer))?;
            }
        }
        write!(output, "> ")?;
        output.flush()?;
    }
    writeln!(output)?;
    Ok(())
}
