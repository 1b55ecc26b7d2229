"""The file to give ``spark-submit``: runs ``eventwatch spark`` with the arguments after it, on the master
spark-submit was given.

    spark-submit --master yarn ... "$(python -c 'import eventwatch.spark.submit as m; print(m.__file__)')" \\
        hdfs:///news/2024/ --output hdfs:///eventwatch/2024
"""

from __future__ import annotations

import sys

from eventwatch.cli import main

if __name__ == "__main__":
    main(["spark", *sys.argv[1:]], prog_name="eventwatch spark")
