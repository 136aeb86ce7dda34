//! OAuth: the authorize URL, the code-for-token exchange and deauthorization.

use crate::context::Global;
use crate::{Failure, Outcome};
use bigcartel::oauth::OAuthApp;
use clap::Subcommand;
use std::io::IsTerminal;

#[derive(clap::Args)]
pub struct App {
    /// Your app's client id.
    #[arg(long, env = "BIGCARTEL_CLIENT_ID")]
    client_id: String,
    /// Where Big Cartel sends users back.
    #[arg(long, env = "BIGCARTEL_REDIRECT_URI")]
    redirect_uri: Option<String>,
}

#[derive(Subcommand)]
pub enum OAuthCommand {
    /// Print the URL to send a user to, with a fresh `state` to check on the way back.
    AuthorizeUrl {
        #[command(flatten)]
        app: App,
        /// Use this state instead of a fresh random one.
        #[arg(long)]
        state: Option<String>,
        /// The authorization page (default Big Cartel's).
        #[arg(long, default_value = bigcartel::oauth::AUTHORIZE_URL)]
        authorize_endpoint: String,
    },
    /// Exchange the code from the redirect for an access token.
    Token {
        #[command(flatten)]
        app: App,
        #[command(flatten)]
        secret: ClientSecret,
        /// The `code` from the redirect.
        #[arg(long)]
        code: String,
        /// Print the token even when stdout is a terminal.
        #[arg(long)]
        show: bool,
    },
    /// Revoke the app's access to an account.
    Deauthorize {
        #[command(flatten)]
        app: App,
        #[command(flatten)]
        secret: ClientSecret,
        /// The account to disconnect.
        account_id: String,
    },
}

/// The app's client secret, from the environment or a file.
#[derive(clap::Args)]
pub struct ClientSecret {
    /// Your app's client secret. Set BIGCARTEL_CLIENT_SECRET or use --client-secret-file: a
    /// value given here is visible to other local users in the process list.
    #[arg(long, env = "BIGCARTEL_CLIENT_SECRET", hide_env_values = true)]
    client_secret: Option<String>,
    /// Read the client secret from this file (- for stdin).
    #[arg(long, value_name = "PATH")]
    client_secret_file: Option<String>,
}

impl ClientSecret {
    fn get(&self) -> Result<String, Failure> {
        crate::secrets::pick(
            self.client_secret.as_deref(),
            self.client_secret_file.as_deref(),
            "client secret",
        )?
        .ok_or_else(|| {
            Failure::Usage(
                "no client secret: set BIGCARTEL_CLIENT_SECRET or use --client-secret-file PATH"
                    .into(),
            )
        })
    }
}

fn app(g: &Global, a: &App, secret: &str) -> OAuthApp {
    let mut app =
        OAuthApp::new(a.client_id.clone(), secret, g.user_agent.clone()).base_url(g.base_url());
    if let Some(r) = &a.redirect_uri {
        app = app.redirect_uri(r.clone());
    }
    app
}

pub async fn run(g: &Global, cmd: OAuthCommand) -> Outcome {
    match cmd {
        OAuthCommand::AuthorizeUrl {
            app: a,
            state,
            authorize_endpoint,
        } => {
            let state = state.unwrap_or_else(OAuthApp::new_state);
            let url = app(g, &a, "")
                .authorize_endpoint(authorize_endpoint)
                .authorize_url(&state);
            if g.json {
                println!(
                    "{}",
                    crate::print::json_text(
                        &serde_json::json!({ "url": url, "state": state }),
                        false
                    )
                );
            } else {
                crate::print::line(&url);
                crate::print::eline(&format!(
                    "state: {state} (check it matches the `state` on the redirect)"
                ));
            }
        }
        OAuthCommand::Token {
            app: a,
            secret,
            code,
            show,
        } => {
            let token = app(g, &a, &secret.get()?).exchange_code(&code).await?;
            let account = token.account_id.clone().unwrap_or_default();
            // The token is this command's result, but it is a credential: it goes to stdout only
            // when stdout is redirected (a file, a secret store) or when asked for explicitly.
            if !show && std::io::stdout().is_terminal() {
                crate::print::eline(&format!(
                    "obtained a token for account {account}; pipe stdout or pass --show to print it"
                ));
                return Ok(());
            }
            if g.json {
                println!(
                    "{}",
                    crate::print::json_text(
                        &serde_json::json!({ "access_token": token.access_token.expose(), "token_type": token.token_type, "account_id": account }),
                        false
                    )
                );
            } else {
                crate::print::line(token.access_token.expose());
            }
        }
        OAuthCommand::Deauthorize {
            app: a,
            secret,
            account_id,
        } => {
            let client_secret = secret.get()?;
            if account_id.trim().is_empty() {
                return Err(Failure::Usage("the account id is empty".into()));
            }
            app(g, &a, &client_secret).deauthorize(&account_id).await?;
            crate::print::done(g.json, &format!("access to account {account_id} revoked"));
        }
    }
    Ok(())
}
