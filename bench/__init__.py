"""Benchmarks of saman against the raw tools, measured in the same run (`make bench`).

Each figure module measures one thing and its reference on the same files; `bench.archive`
grows a seeded archive from corpus/. Nothing here is imported by the pipeline or the tests,
and nothing here writes outside its temporary folder and bench/results/.
"""
