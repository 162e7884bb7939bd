//! The demo data (`pst-server seed`, `PST_DEMO`): the seed plans of `backend/seed/` and the
//! demo accounts, loaded idempotently on a connection of their own.

use diesel::{Connection, PgConnection};

use crate::auth::password::{NewPassword, PasswordOwner};
use crate::db::seed::{self, DEMO_ACCOUNTS};

/// What loading the plans did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub plans_created: usize,
    pub plans_already_present: usize,
}

/// Loads every seed plan that is not there yet, each in its own transaction.
pub fn load_plans(conn: &mut PgConnection) -> anyhow::Result<SeedReport> {
    let mut report = SeedReport::default();
    for file in seed::seed_files()? {
        let created = conn.transaction(|conn| seed::load_plan(conn, &file))?;
        if created {
            report.plans_created += 1;
        } else {
            report.plans_already_present += 1;
        }
    }
    Ok(report)
}

/// Creates the demo accounts that do not exist yet (after the demo plans); returns how
/// many were created. Existing accounts, and their passwords, are left alone.
pub fn load_accounts(conn: &mut PgConnection, password: &str) -> anyhow::Result<usize> {
    // One password shared by every demo account (and printed in the README): checked
    // without any one account's words.
    let password = NewPassword::parse(password, "PST_DEMO_PASSWORD", &PasswordOwner::default())
        .map_err(|e| anyhow::anyhow!("PST_DEMO_PASSWORD: {:?}", e.problem().errors))?;
    let mut created = 0;
    for account in DEMO_ACCOUNTS {
        if seed::account_exists(conn, account.email)? {
            continue;
        }
        let hash = password.hash().map_err(|e| anyhow::anyhow!("{e}"))?;
        seed::insert_demo_account(conn, account, &hash)?;
        created += 1;
    }
    Ok(created)
}
