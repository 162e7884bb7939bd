DROP TABLE budget_projection_amounts;
DROP TABLE budget_projections;
