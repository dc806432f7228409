import { parseOffer, parsePeriod } from '../../src/subgraphs/hub/indicator/indicator.period';

/** The report's periods (docs/indicators.md, Periods): each form and its days, both inclusive. */
describe('indicator periods', () => {
  it.each([
    ['2019', '2019-01-01', '2019-12-31'],
    ['2019-Q1', '2019-01-01', '2019-03-31'],
    ['2019-Q4', '2019-10-01', '2019-12-31'],
    ['2020-02', '2020-02-01', '2020-02-29'], // leap year
    ['2019-02', '2019-02-01', '2019-02-28'],
    ['2019-12', '2019-12-01', '2019-12-31'],
    ['2019-03-15/2019-03-15', '2019-03-15', '2019-03-15'],
    [' 2019-01-01/2020-12-31 ', '2019-01-01', '2020-12-31'], // exactly 24 months
  ])('%s covers %s to %s', (period, from, to) => {
    expect(parsePeriod(period, 24)).toEqual({ from, to, label: period.trim() });
  });

  it.each(['2019-Q5', '2019-Q0', '2019-00', '2019-1', '19', '2019/2020', '2019-01-01/2019-02-30', '2019-01-01/../x'])(
    '%s is refused naming period',
    (period) => {
      expect(() => parsePeriod(period, 24)).toThrow(
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'period' }) }),
      );
    },
  );

  it('the maximum is configurable: with 12 months a year passes and a year and a day does not', () => {
    expect(parsePeriod('2019', 12).to).toBe('2019-12-31');
    expect(() => parsePeriod('2019-01-01/2020-01-01', 12)).toThrow(/longer than 12 months/);
    expect(() => parsePeriod('2019-Q1', 2)).toThrow(/longer than 2 months/);
  });

  it('offers: null is every set, an unknown one is refused naming offer', () => {
    expect(parseOffer(null)).toBeNull();
    expect(parseOffer('case_management')).toBe('case_management');
    expect(() => parseOffer('CASE_MANAGEMENT')).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ field: 'offer' }) }),
    );
  });
});
