//! Webhook signature verification, with the same function every binding calls.

use crate::{Failure, Outcome};
use clap::Subcommand;
use std::io::Read;

#[derive(Subcommand)]
pub enum WebhookCommand {
    /// Verify a webhook body against its X-Webhook-Signature; exit 0 when valid, 1 when not.
    Verify {
        /// Your app's client secret. Set BIGCARTEL_CLIENT_SECRET or use --secret-file: a value
        /// given here is visible to other local users in the process list.
        #[arg(long, env = "BIGCARTEL_CLIENT_SECRET", hide_env_values = true)]
        secret: Option<String>,
        /// Read the client secret from this file (- for stdin, with the body in a file).
        #[arg(long, value_name = "PATH")]
        secret_file: Option<String>,
        /// The X-Webhook-Signature header (hex).
        #[arg(long)]
        signature: String,
        /// The raw body: a file, or - for stdin.
        #[arg(default_value = "-")]
        file: String,
    },
}

pub fn run(cmd: WebhookCommand) -> Outcome {
    let WebhookCommand::Verify {
        secret,
        secret_file,
        signature,
        file,
    } = cmd;
    if secret_file.as_deref() == Some("-") && file == "-" {
        return Err(Failure::Usage(
            "the secret and the body cannot both come from stdin: give the body as a file".into(),
        ));
    }
    let secret = crate::secrets::pick(secret.as_deref(), secret_file.as_deref(), "client secret")?
        .ok_or_else(|| {
            Failure::Usage(
                "no client secret: set BIGCARTEL_CLIENT_SECRET or use --secret-file PATH".into(),
            )
        })?;
    let mut body = Vec::new();
    let read = if file == "-" {
        std::io::stdin().read_to_end(&mut body).map(|_| ())
    } else {
        std::fs::read(&file).map(|b| body = b)
    };
    read.map_err(|e| Failure::Usage(format!("cannot read {file}: {e}")))?;
    match bigcartel::webhook::verify_and_parse(secret.as_bytes(), &body, Some(&signature)) {
        Ok(event) => {
            crate::print::line(&format!(
                "valid: {} for account {}",
                event.event_type(),
                event.account_id()
            ));
            Ok(())
        }
        // A valid signature on a body we cannot parse is still authentic.
        Err(bigcartel::WebhookError::Parse(e)) => {
            crate::print::line(&format!(
                "valid signature; the body is not a webhook envelope we understand: {e}"
            ));
            Ok(())
        }
        Err(e) => Err(Failure::Api(format!("invalid: {e}"))),
    }
}
