.PHONY: setup demo demo-cli test eval bench loadtest
setup:
	bash scripts/setup.sh
demo:
	bash scripts/demo.sh
demo-cli:
	bash scripts/demo_cli.sh
bench:
	.venv/bin/matcha bench
loadtest:
	.venv/bin/matcha loadtest
test:
	bash scripts/test.sh
SHARED ?= ../shared/data
eval:
	.venv/bin/matcha eval skills --decorte $(SHARED)/decorte-skill-extraction/tech_validation_annotations.csv \
	  --decorte $(SHARED)/decorte-skill-extraction/house_validation_annotations.csv --report reports/skills.html
	.venv/bin/matcha eval occupations --melo $(SHARED)/melo/usa_q_en_c_en --melo $(SHARED)/melo/nor_q_no_c_no \
	  --report reports/occupations.html
