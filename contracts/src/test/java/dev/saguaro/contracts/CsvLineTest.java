package dev.saguaro.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Splitting and joining CSV lines with RFC 4180 quoting. */
class CsvLineTest {

  @Test
  void splitKeepsEmptyAndUntrimmedFields() {
    assertThat(CsvLine.split("a, b ,,")).containsExactly("a", " b ", "", "");
    assertThat(CsvLine.split("")).containsExactly("");
  }

  @Test
  void splitUnquotesCommasAndDoubledQuotes() {
    assertThat(CsvLine.split("x,\"a, \"\"b\"\"\",x.png")).containsExactly("x", "a, \"b\"", "x.png");
  }

  @Test
  void splitRejectsUnclosedQuote() {
    assertThatThrownBy(() -> CsvLine.split("x,\"open,y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not closed");
  }

  @Test
  void joinQuotesOnlyWhereNeeded() {
    assertThat(CsvLine.join("id-1", "cat", "id-1.png")).isEqualTo("id-1,cat,id-1.png");
    assertThat(CsvLine.join("x", "a, \"b\"", "x.png")).isEqualTo("x,\"a, \"\"b\"\"\",x.png");
  }

  @Test
  void joinThenSplitGivesFieldsBack() {
    String[] fields = {"", "plain", "comma,inside", "quote\"inside", "\"", ","};

    assertThat(CsvLine.split(CsvLine.join(fields))).containsExactly(fields);
  }

  @Test
  void joinRejectsLineBreaks() {
    assertThatThrownBy(() -> CsvLine.join("a", "two\nlines"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("field 2 contains a line break");
  }
}
