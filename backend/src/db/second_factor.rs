//! The authenticators and recovery codes of the second sign-in step, and the CPAS's policy.

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Bool, Bytea, Integer, Text, Uuid as SqlUuid};
use uuid::Uuid;

use super::DbResult;
use crate::secrets::Sealed;

/// A person's authenticator as stored.
#[derive(QueryableByName)]
pub struct Authenticator {
    #[diesel(sql_type = Bytea)]
    pub secret_sealed: Vec<u8>,
    #[diesel(sql_type = Text)]
    pub secret_key_id: String,
    #[diesel(sql_type = Bool)]
    pub confirmed: bool,
}

impl Authenticator {
    pub fn sealed(self) -> Sealed {
        Sealed {
            key_id: self.secret_key_id,
            bytes: self.secret_sealed,
        }
    }
}

/// The person's authenticator, confirmed or being enrolled.
pub fn authenticator(conn: &mut PgConnection, user: Uuid) -> DbResult<Option<Authenticator>> {
    Ok(diesel::sql_query(
        "SELECT secret_sealed, secret_key_id, confirmed_at IS NOT NULL AS confirmed
         FROM second_factors WHERE user_id = $1",
    )
    .bind::<SqlUuid, _>(user)
    .get_result(conn)
    .optional()?)
}

/// Starts (or starts again) an enrolment with this sealed secret; nothing when an
/// authenticator is confirmed already (`false` then).
pub fn start_enrolment(conn: &mut PgConnection, user: Uuid, sealed: &Sealed) -> DbResult<bool> {
    let written = diesel::sql_query(
        "INSERT INTO second_factors (user_id, secret_sealed, secret_key_id) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE
             SET secret_sealed = EXCLUDED.secret_sealed, secret_key_id = EXCLUDED.secret_key_id,
                 created_at = now(), last_used_step = NULL
             WHERE second_factors.confirmed_at IS NULL",
    )
    .bind::<SqlUuid, _>(user)
    .bind::<Bytea, _>(&sealed.bytes)
    .bind::<Text, _>(&sealed.key_id)
    .execute(conn)?;
    Ok(written == 1)
}

/// Accepts the code of time step `step`: only if no code of this step or a later one was
/// accepted before (a code works once, even within its window). One statement, so two
/// sign-ins racing with the same code cannot both pass. `confirm` accepts it for an
/// authenticator being enrolled (and confirms it), else for a confirmed one only.
pub fn accept_step(
    conn: &mut PgConnection,
    user: Uuid,
    step: u64,
    confirm: bool,
) -> DbResult<bool> {
    let step = i64::try_from(step).unwrap_or(i64::MAX);
    let accepted = diesel::sql_query(
        "UPDATE second_factors
         SET last_used_step = $2, confirmed_at = coalesce(confirmed_at, now())
         WHERE user_id = $1 AND (confirmed_at IS NULL) = $3
           AND (last_used_step IS NULL OR last_used_step < $2)",
    )
    .bind::<SqlUuid, _>(user)
    .bind::<BigInt, _>(step)
    .bind::<Bool, _>(confirm)
    .execute(conn)?;
    Ok(accepted == 1)
}

/// Replaces the person's recovery codes by these (hashes).
pub fn set_recovery_codes(conn: &mut PgConnection, user: Uuid, hashes: &[Vec<u8>]) -> DbResult<()> {
    diesel::sql_query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind::<SqlUuid, _>(user)
        .execute(conn)?;
    diesel::sql_query(
        "INSERT INTO recovery_codes (user_id, code_hash) SELECT $1, unnest($2::bytea[])",
    )
    .bind::<SqlUuid, _>(user)
    .bind::<Array<Bytea>, _>(hashes)
    .execute(conn)?;
    Ok(())
}

/// Uses one of the person's recovery codes (by hash): `false` when it is none of theirs
/// or was used.
pub fn use_recovery_code(conn: &mut PgConnection, user: Uuid, hash: &[u8]) -> DbResult<bool> {
    let used = diesel::sql_query(
        "UPDATE recovery_codes SET used_at = now()
         WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL
           AND EXISTS (SELECT 1 FROM second_factors
                       WHERE user_id = $1 AND confirmed_at IS NOT NULL)",
    )
    .bind::<SqlUuid, _>(user)
    .bind::<Bytea, _>(hash)
    .execute(conn)?;
    Ok(used == 1)
}

/// Where the person's second step stands, and whether their CPAS requires it of them.
#[derive(QueryableByName)]
pub struct Standing {
    #[diesel(sql_type = Bool)]
    pub enabled: bool,
    #[diesel(sql_type = Bool)]
    pub required: bool,
    #[diesel(sql_type = Integer)]
    pub recovery_codes_left: i32,
}

/// The person's standing: `required` when their CPAS requires a second step and they are
/// its president or DG.
pub fn standing(conn: &mut PgConnection, user: Uuid, management: &[&str]) -> DbResult<Standing> {
    Ok(diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM second_factors f
                        WHERE f.user_id = u.id AND f.confirmed_at IS NOT NULL) AS enabled,
                coalesce(t.second_factor_required, false) AND u.role = ANY($2) AS required,
                (SELECT count(*) FROM recovery_codes r
                 WHERE r.user_id = u.id AND r.used_at IS NULL)::int AS recovery_codes_left
         FROM users u LEFT JOIN tenants t ON t.id = u.tenant_id
         WHERE u.id = $1",
    )
    .bind::<SqlUuid, _>(user)
    .bind::<Array<Text>, _>(management)
    .get_result(conn)?)
}

/// Removes the person's authenticator and recovery codes. `true` when there was one.
pub fn remove(conn: &mut PgConnection, user: Uuid) -> DbResult<bool> {
    diesel::sql_query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind::<SqlUuid, _>(user)
        .execute(conn)?;
    let removed = diesel::sql_query("DELETE FROM second_factors WHERE user_id = $1")
        .bind::<SqlUuid, _>(user)
        .execute(conn)?;
    Ok(removed == 1)
}

/// Lifts the "enrol first" mark of the person's open sessions (they enrolled).
pub fn enrolled(conn: &mut PgConnection, user: Uuid) -> DbResult<()> {
    diesel::sql_query(
        "UPDATE sessions SET second_factor_pending = false
         WHERE user_id = $1 AND second_factor_pending",
    )
    .bind::<SqlUuid, _>(user)
    .execute(conn)?;
    Ok(())
}

/// Whether the CPAS requires a second step of its management.
pub fn policy(conn: &mut PgConnection, tenant: Uuid) -> DbResult<bool> {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Bool)]
        second_factor_required: bool,
    }
    let row: Row = diesel::sql_query("SELECT second_factor_required FROM tenants WHERE id = $1")
        .bind::<SqlUuid, _>(tenant)
        .get_result(conn)?;
    Ok(row.second_factor_required)
}

pub fn set_policy(conn: &mut PgConnection, tenant: Uuid, required: bool) -> DbResult<()> {
    diesel::sql_query("UPDATE tenants SET second_factor_required = $2 WHERE id = $1")
        .bind::<SqlUuid, _>(tenant)
        .bind::<Bool, _>(required)
        .execute(conn)?;
    Ok(())
}

/// An authenticator's secret sealed under a key the keyring may retire.
#[derive(QueryableByName)]
pub struct SealedSecret {
    #[diesel(sql_type = SqlUuid)]
    pub user_id: Uuid,
    #[diesel(sql_type = Bytea)]
    pub secret_sealed: Vec<u8>,
    #[diesel(sql_type = Text)]
    pub secret_key_id: String,
}

/// The secrets sealed under one of `previous` keys, locked for re-sealing (rows another
/// instance holds are skipped).
pub fn secrets_to_reseal(
    conn: &mut PgConnection,
    previous: &[String],
) -> DbResult<Vec<SealedSecret>> {
    Ok(diesel::sql_query(
        "SELECT user_id, secret_sealed, secret_key_id FROM second_factors
         WHERE secret_key_id = ANY($1) FOR UPDATE SKIP LOCKED",
    )
    .bind::<Array<Text>, _>(previous)
    .load(conn)?)
}

pub fn store_sealed(conn: &mut PgConnection, user: Uuid, sealed: &Sealed) -> DbResult<()> {
    diesel::sql_query(
        "UPDATE second_factors SET secret_sealed = $2, secret_key_id = $3 WHERE user_id = $1",
    )
    .bind::<SqlUuid, _>(user)
    .bind::<Bytea, _>(&sealed.bytes)
    .bind::<Text, _>(&sealed.key_id)
    .execute(conn)?;
    Ok(())
}
