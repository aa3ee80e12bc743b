"""The column headers repeated on the cells of a table, for the stacked layout on phones."""

from markupsafe import Markup

from sto_events.core.tablecells import label_cells

TABLE = """<p>voor</p><table><thead><tr><th>Naam</th><th><span lang="nl">Bezet</span> <em>&amp;</em> vrij</th>
<th>Actie</th></tr></thead><tbody>
<tr><th scope="row">Zoë</th><td class="x">3</td><td>
<a href="/">Wijzigen</a></td></tr>
<tr><td colspan="2" data-label="">formulier</td><td>ok</td></tr>
<tr><td data-label="Eigen">a</td><td>b</td><td>c</td></tr>
</tbody><tfoot><tr><th>Totaal</th><td>3</td><td></td></tr></tfoot></table>"""


def test_each_cell_gets_its_column_header():
    result = label_cells(Markup(TABLE))
    assert isinstance(result, Markup)
    assert '<th scope="row" data-label="Naam">Zoë</th>' in result
    assert '<td class="x" data-label="Bezet &amp; vrij">3</td>' in result
    assert '<td data-label="Actie">\n<a href="/">' in result
    # A spanning cell moves the next one on; a cell with its own label keeps it.
    assert '<td colspan="2" data-label="">formulier</td><td data-label="Actie">ok</td>' in result
    assert '<td data-label="Eigen">a</td><td data-label="Bezet &amp; vrij">b</td>' in result
    assert '<th data-label="Naam">Totaal</th><td data-label="Bezet &amp; vrij">3</td>' in result
    assert result.startswith("<p>voor</p>") and "<thead><tr><th>Naam</th>" in result


def test_a_header_cannot_break_out_of_the_attribute():
    table = '<table><thead><tr><th>&#34;&gt;<b>x</b></th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>'
    assert '<td data-label="&#34;&gt;x">1</td>' in label_cells(Markup(table))


def test_text_without_a_table_is_left_alone():
    assert label_cells(Markup("<p>geen tabel</p>")) == Markup("<p>geen tabel</p>")
