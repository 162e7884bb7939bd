DROP VIEW budget_figures;
DROP TABLE ecomptes_projection_amounts;
DROP TABLE ecomptes_projections;
DROP TABLE ecomptes_articles;
