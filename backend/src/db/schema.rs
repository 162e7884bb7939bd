// @generated automatically by Diesel CLI.

diesel::table! {
    action_history (id) {
        id -> Int8,
        tenant_id -> Uuid,
        action_id -> Uuid,
        applied_by -> Uuid,
        proposed_by -> Nullable<Uuid>,
        change_request_id -> Nullable<Uuid>,
        at -> Timestamptz,
        version -> Int4,
        changes -> Jsonb,
    }
}

diesel::table! {
    action_organisations (action_id, organisation_id) {
        tenant_id -> Uuid,
        action_id -> Uuid,
        organisation_id -> Uuid,
        role -> Text,
        position -> Int4,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    action_sectoral_plans (action_id, sectoral_plan_id) {
        tenant_id -> Uuid,
        action_id -> Uuid,
        sectoral_plan_id -> Uuid,
    }
}

diesel::table! {
    actions (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        plan_id -> Uuid,
        objective_id -> Uuid,
        code -> Text,
        kind -> Nullable<Text>,
        title -> Text,
        description -> Nullable<Text>,
        reservation -> Nullable<Text>,
        transversal -> Bool,
        status -> Text,
        progress -> Int2,
        planned_start -> Nullable<Date>,
        planned_end -> Nullable<Date>,
        actual_end -> Nullable<Date>,
        position -> Int4,
        archived_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
        political_lead -> Nullable<Text>,
        administrative_lead -> Nullable<Text>,
        staffing_fte -> Nullable<Float8>,
        sdgs -> Array<Int2>,
        last_reported_at -> Nullable<Timestamptz>,
        reminded_at -> Nullable<Timestamptz>,
        search_text -> Text,
        parent_id -> Nullable<Uuid>,
        weight -> Int2,
        progress_by_hand -> Bool,
        progress_from_sub_actions -> Bool,
        political_function -> Nullable<Text>,
        responsible_user_id -> Nullable<Uuid>,
        health -> Nullable<Text>,
        health_comment -> Nullable<Text>,
        political_lead_user_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    api_token_usage (tenant_id, token_id, window_start) {
        tenant_id -> Uuid,
        token_id -> Uuid,
        window_start -> Timestamptz,
        requests -> Int4,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        organisation_id -> Uuid,
        user_id -> Uuid,
        name -> Text,
        token_hash -> Bytea,
        prefix -> Text,
        scopes -> Array<Text>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        expires_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
        last_used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    attachments (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        action_id -> Uuid,
        change_request_id -> Nullable<Uuid>,
        comment_id -> Nullable<Uuid>,
        name -> Text,
        media_type -> Text,
        size_bytes -> Int8,
        sha256 -> Text,
        storage_key -> Text,
        uploaded_by -> Uuid,
        uploaded_at -> Timestamptz,
        removed_at -> Nullable<Timestamptz>,
        removed_by -> Nullable<Uuid>,
    }
}

diesel::table! {
    budget_lines (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        action_id -> Uuid,
        year -> Int4,
        service -> Text,
        direction -> Text,
        article -> Nullable<Text>,
        planned_cents -> Int8,
        spent_cents -> Int8,
        funding_source -> Nullable<Text>,
        position -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
        archived_at -> Nullable<Timestamptz>,
        label -> Nullable<Text>,
        engaged_cents -> Int8,
    }
}

diesel::table! {
    budget_projection_amounts (projection_id, year) {
        projection_id -> Uuid,
        year -> Int4,
        amount_cents -> Int8,
    }
}

diesel::table! {
    budget_projections (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        action_id -> Uuid,
        service -> Text,
        direction -> Text,
        economic_group -> Text,
        label -> Nullable<Text>,
        position -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    change_requests (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        action_id -> Uuid,
        author_id -> Uuid,
        base_version -> Int4,
        changes -> Jsonb,
        before -> Jsonb,
        note -> Nullable<Text>,
        status -> Text,
        decided_by -> Nullable<Uuid>,
        decided_at -> Nullable<Timestamptz>,
        reason -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
        replaced_by -> Nullable<Uuid>,
    }
}

diesel::table! {
    comment_mentions (comment_id, user_id) {
        tenant_id -> Uuid,
        comment_id -> Uuid,
        user_id -> Uuid,
    }
}

diesel::table! {
    comments (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        action_id -> Uuid,
        author_id -> Uuid,
        body -> Nullable<Text>,
        created_at -> Timestamptz,
        edited_at -> Nullable<Timestamptz>,
        deleted_at -> Nullable<Timestamptz>,
        hidden_at -> Nullable<Timestamptz>,
        hidden_by -> Nullable<Uuid>,
        hidden_reason -> Nullable<Text>,
        version -> Int4,
    }
}

diesel::table! {
    content_revisions (tenant_id) {
        tenant_id -> Uuid,
        revision -> Int8,
    }
}

diesel::table! {
    data_repairs (id) {
        id -> Int8,
        migration -> Text,
        table_name -> Text,
        row_id -> Text,
        column_name -> Text,
        old_value -> Text,
        action -> Text,
        recorded_at -> Timestamptz,
    }
}

diesel::table! {
    ecomptes_articles (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        plan_id -> Uuid,
        objective_id -> Nullable<Uuid>,
        action_id -> Nullable<Uuid>,
        year -> Int4,
        service -> Text,
        direction -> Text,
        code -> Text,
        label -> Text,
        amount_cents -> Int8,
        position -> Int4,
        imported_at -> Timestamptz,
        imported_by -> Nullable<Uuid>,
    }
}

diesel::table! {
    ecomptes_projection_amounts (projection_id, year) {
        projection_id -> Uuid,
        year -> Int4,
        amount_cents -> Int8,
    }
}

diesel::table! {
    ecomptes_projections (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        plan_id -> Uuid,
        objective_id -> Nullable<Uuid>,
        action_id -> Nullable<Uuid>,
        exercice -> Int4,
        service -> Text,
        direction -> Text,
        economic_group -> Text,
        label -> Text,
        position -> Int4,
        imported_at -> Timestamptz,
        imported_by -> Nullable<Uuid>,
    }
}

diesel::table! {
    idempotency_keys (principal, key) {
        principal -> Text,
        key -> Text,
        tenant_id -> Nullable<Uuid>,
        request_hash -> Bytea,
        status_code -> Nullable<Int4>,
        content_type -> Nullable<Text>,
        location -> Nullable<Text>,
        response_body -> Nullable<Bytea>,
        created_at -> Timestamptz,
        response_key_id -> Nullable<Text>,
    }
}

diesel::table! {
    identity_providers (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        label -> Text,
        issuer -> Text,
        client_id -> Text,
        client_secret_sealed -> Nullable<Bytea>,
        client_secret_key_id -> Nullable<Text>,
        scopes -> Text,
        enabled -> Bool,
        new_accounts -> Bool,
        new_account_role -> Text,
        new_account_organisation_id -> Nullable<Uuid>,
        new_account_domain -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
    }
}

diesel::table! {
    indicators (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        action_id -> Uuid,
        name -> Text,
        unit -> Nullable<Text>,
        year -> Nullable<Int4>,
        baseline -> Nullable<Float8>,
        target -> Nullable<Float8>,
        current_value -> Nullable<Float8>,
        measured_at -> Nullable<Date>,
        position -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
        archived_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    journal_entries (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        action_id -> Uuid,
        author_id -> Uuid,
        entry_date -> Date,
        body -> Text,
        created_at -> Timestamptz,
        kind -> Text,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Int8,
        at -> Timestamptz,
        email -> Text,
        client_ip -> Text,
    }
}

diesel::table! {
    notification_preferences (user_id, topic) {
        user_id -> Uuid,
        topic -> Text,
        delivery -> Text,
    }
}

diesel::table! {
    notifications (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        user_id -> Uuid,
        kind -> Text,
        payload -> Jsonb,
        created_at -> Timestamptz,
        read_at -> Nullable<Timestamptz>,
        email_status -> Text,
        email_attempts -> Int4,
        email_next_at -> Timestamptz,
        email_error -> Nullable<Text>,
    }
}

diesel::table! {
    objective_sectoral_plans (objective_id, sectoral_plan_id) {
        tenant_id -> Uuid,
        objective_id -> Uuid,
        sectoral_plan_id -> Uuid,
    }
}

diesel::table! {
    objectives (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        plan_id -> Uuid,
        parent_id -> Nullable<Uuid>,
        level -> Text,
        volet -> Text,
        code -> Text,
        title -> Text,
        position -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
        political_lead -> Nullable<Text>,
        political_function -> Nullable<Text>,
        responsible_user_id -> Nullable<Uuid>,
        planned_start -> Nullable<Date>,
        planned_end -> Nullable<Date>,
        political_lead_user_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    oidc_logins (state_hash) {
        state_hash -> Bytea,
        provider_id -> Uuid,
        nonce -> Text,
        pkce_verifier -> Text,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    opinion_objectives (opinion_id, objective_id) {
        tenant_id -> Uuid,
        plan_id -> Uuid,
        opinion_id -> Uuid,
        objective_id -> Uuid,
        position -> Int4,
    }
}

diesel::table! {
    opinions (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        plan_id -> Uuid,
        heading -> Nullable<Text>,
        body -> Text,
        position -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
    }
}

diesel::table! {
    organisations (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        name -> Text,
        kind -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
    }
}

diesel::table! {
    period_requests (period_id, action_id) {
        period_id -> Uuid,
        action_id -> Uuid,
        tenant_id -> Uuid,
        organisation_id -> Nullable<Uuid>,
        reported_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    plan_evaluations (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        plan_id -> Uuid,
        kind -> Text,
        as_of -> Date,
        snapshot -> Jsonb,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    plan_versions (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        plan_id -> Uuid,
        number -> Int4,
        adopted_on -> Date,
        deliberation -> Nullable<Text>,
        snapshot -> Jsonb,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    plans (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        title -> Text,
        start_year -> Nullable<Int4>,
        end_year -> Nullable<Int4>,
        status -> Text,
        adopted_on -> Nullable<Date>,
        opinion_title -> Nullable<Text>,
        source_document -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
        update_cadence_days -> Int4,
        digest_sent_at -> Nullable<Timestamptz>,
        published_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    recovery_codes (user_id, code_hash) {
        user_id -> Uuid,
        code_hash -> Bytea,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Bytea,
        session_id -> Uuid,
        tenant_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    reporting_periods (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        plan_id -> Uuid,
        label -> Text,
        starts_on -> Date,
        ends_on -> Date,
        deadline -> Date,
        opened_by -> Uuid,
        opened_at -> Timestamptz,
        closed_by -> Nullable<Uuid>,
        closed_at -> Nullable<Timestamptz>,
        snapshot -> Nullable<Jsonb>,
        reminded_before_at -> Nullable<Timestamptz>,
        reminded_after_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    second_factors (user_id) {
        user_id -> Uuid,
        secret_sealed -> Bytea,
        secret_key_id -> Text,
        confirmed_at -> Nullable<Timestamptz>,
        last_used_step -> Nullable<Int8>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    sectoral_plans (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        name -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    sessions (id) {
        id -> Uuid,
        user_id -> Uuid,
        tenant_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
        refreshed_at -> Timestamptz,
        expires_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
        revoked_reason -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        signed_in_with -> Text,
        second_factor_pending -> Bool,
        identity_provider_id -> Nullable<Uuid>,
        end_session_url -> Nullable<Text>,
    }
}

diesel::table! {
    tasks (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        action_id -> Uuid,
        title -> Text,
        assignee_user_id -> Nullable<Uuid>,
        assignee_organisation_id -> Nullable<Uuid>,
        due_on -> Date,
        done_at -> Nullable<Timestamptz>,
        done_by -> Nullable<Uuid>,
        created_by -> Uuid,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
        reminded_soon_at -> Nullable<Timestamptz>,
        reminded_overdue_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    tenants (id) {
        id -> Uuid,
        slug -> Text,
        name -> Text,
        description -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
        nis_code -> Nullable<Int4>,
        administration_type -> Text,
        period_reminder_days_before -> Int2,
        period_reminder_days_after -> Int2,
        second_factor_required -> Bool,
    }
}

diesel::table! {
    unsubscribe_uses (link_id) {
        link_id -> Uuid,
        user_id -> Uuid,
        topic -> Text,
        used_at -> Timestamptz,
    }
}

diesel::table! {
    user_identities (provider_id, subject) {
        provider_id -> Uuid,
        subject -> Text,
        user_id -> Uuid,
        linked_at -> Timestamptz,
        last_used_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        tenant_id -> Nullable<Uuid>,
        organisation_id -> Nullable<Uuid>,
        email -> Text,
        display_name -> Text,
        role -> Text,
        password_hash -> Text,
        must_change_password -> Bool,
        active -> Bool,
        last_login_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
        kind -> Text,
        civility -> Nullable<Text>,
        given_name -> Nullable<Text>,
        family_name -> Nullable<Text>,
        phone -> Nullable<Text>,
        language -> Text,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        endpoint_id -> Uuid,
        event_id -> Uuid,
        event_type -> Text,
        payload -> Jsonb,
        status -> Text,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        locked_until -> Nullable<Timestamptz>,
        last_attempt_at -> Nullable<Timestamptz>,
        response_status -> Nullable<Int4>,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    webhook_endpoints (id) {
        id -> Uuid,
        tenant_id -> Uuid,
        url -> Text,
        description -> Nullable<Text>,
        secret -> Nullable<Text>,
        events -> Array<Text>,
        active -> Bool,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        version -> Int4,
        secret_sealed -> Nullable<Bytea>,
        secret_key_id -> Nullable<Text>,
    }
}

diesel::joinable!(action_history -> change_requests (change_request_id));
diesel::joinable!(api_token_usage -> tenants (tenant_id));
diesel::joinable!(api_tokens -> tenants (tenant_id));
diesel::joinable!(attachments -> tenants (tenant_id));
diesel::joinable!(budget_projection_amounts -> budget_projections (projection_id));
diesel::joinable!(comments -> tenants (tenant_id));
diesel::joinable!(ecomptes_articles -> users (imported_by));
diesel::joinable!(ecomptes_projection_amounts -> ecomptes_projections (projection_id));
diesel::joinable!(ecomptes_projections -> users (imported_by));
diesel::joinable!(idempotency_keys -> tenants (tenant_id));
diesel::joinable!(identity_providers -> tenants (tenant_id));
diesel::joinable!(journal_entries -> users (author_id));
diesel::joinable!(notification_preferences -> users (user_id));
diesel::joinable!(notifications -> tenants (tenant_id));
diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(oidc_logins -> identity_providers (provider_id));
diesel::joinable!(organisations -> tenants (tenant_id));
diesel::joinable!(plan_evaluations -> tenants (tenant_id));
diesel::joinable!(plan_evaluations -> users (created_by));
diesel::joinable!(plan_versions -> tenants (tenant_id));
diesel::joinable!(plan_versions -> users (created_by));
diesel::joinable!(plans -> tenants (tenant_id));
diesel::joinable!(recovery_codes -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(refresh_tokens -> tenants (tenant_id));
diesel::joinable!(reporting_periods -> tenants (tenant_id));
diesel::joinable!(second_factors -> users (user_id));
diesel::joinable!(sectoral_plans -> tenants (tenant_id));
diesel::joinable!(sessions -> identity_providers (identity_provider_id));
diesel::joinable!(sessions -> tenants (tenant_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(tasks -> tenants (tenant_id));
diesel::joinable!(unsubscribe_uses -> users (user_id));
diesel::joinable!(user_identities -> identity_providers (provider_id));
diesel::joinable!(user_identities -> users (user_id));
diesel::joinable!(users -> tenants (tenant_id));
diesel::joinable!(webhook_deliveries -> tenants (tenant_id));
diesel::joinable!(webhook_endpoints -> tenants (tenant_id));
diesel::joinable!(webhook_endpoints -> users (created_by));
// Joins print-schema cannot infer: these foreign keys are composite (they include
// `tenant_id`), but the id alone is what the joins need.
diesel::joinable!(action_organisations -> actions (action_id));
diesel::joinable!(action_organisations -> organisations (organisation_id));
diesel::joinable!(actions -> objectives (objective_id));
diesel::joinable!(api_tokens -> organisations (organisation_id));
diesel::joinable!(opinion_objectives -> objectives (objective_id));
diesel::joinable!(opinion_objectives -> opinions (opinion_id));
diesel::joinable!(opinions -> plans (plan_id));
diesel::joinable!(webhook_deliveries -> webhook_endpoints (endpoint_id));

diesel::allow_tables_to_appear_in_same_query!(
    action_history,
    action_organisations,
    action_sectoral_plans,
    actions,
    api_token_usage,
    api_tokens,
    attachments,
    budget_lines,
    budget_projection_amounts,
    budget_projections,
    change_requests,
    comment_mentions,
    comments,
    content_revisions,
    data_repairs,
    ecomptes_articles,
    ecomptes_projection_amounts,
    ecomptes_projections,
    idempotency_keys,
    identity_providers,
    indicators,
    journal_entries,
    login_failures,
    notification_preferences,
    notifications,
    objective_sectoral_plans,
    objectives,
    oidc_logins,
    opinion_objectives,
    opinions,
    organisations,
    period_requests,
    plan_evaluations,
    plan_versions,
    plans,
    recovery_codes,
    refresh_tokens,
    reporting_periods,
    second_factors,
    sectoral_plans,
    sessions,
    tasks,
    tenants,
    unsubscribe_uses,
    user_identities,
    users,
    webhook_deliveries,
    webhook_endpoints,
);
