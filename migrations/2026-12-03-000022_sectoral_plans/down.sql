DROP VIEW sectoral_plan_actions;
DROP TABLE action_sectoral_plans;
DROP TABLE objective_sectoral_plans;
DROP TABLE sectoral_plans;
